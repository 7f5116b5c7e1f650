"""The one Streamlit patch (ui.guard): pinned behaviour it works around, and the patch itself.

If a Streamlit upgrade stops switching on the legacy ``pages/`` mode for an entry script with
a ``pages/`` folder beside it, ``test_streamlit_still_has_the_legacy_pages_mode`` fails: then
``ui.leave_legacy_pages_mode`` and its call in dashboard.py can go.
"""

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from ui.guard import leave_legacy_pages_mode

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_server_flag():
    """PagesManager.uses_pages_directory is process-wide: start undecided, restore after."""
    saved = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    yield
    PagesManager.uses_pages_directory = saved


def test_streamlit_still_has_the_legacy_pages_mode(fresh_server_flag, tmp_path):
    (tmp_path / "pages").mkdir()
    entry = tmp_path / "app.py"
    entry.write_text("", encoding="utf-8")
    PagesManager(str(entry))
    assert PagesManager.uses_pages_directory is True, (
        "Streamlit no longer switches on legacy pages/ mode: remove ui.leave_legacy_pages_mode"
    )
    # ... and a run in that mode executes the v1 multipage runner instead of the entry script
    assert hasattr(script_runner, "_mpa_v1")


def test_our_entry_script_is_affected(fresh_server_flag):
    """dashboard.py has a pages/ folder beside it, so the first session starts in legacy mode."""
    PagesManager(str(ROOT / "dashboard.py"))
    assert PagesManager.uses_pages_directory is True


def test_leaving_the_legacy_mode_sticks_for_later_sessions(fresh_server_flag):
    PagesManager(str(ROOT / "dashboard.py"))
    assert leave_legacy_pages_mode() is True  # it was on: the caller reruns
    assert PagesManager.uses_pages_directory is False
    PagesManager(str(ROOT / "dashboard.py"))  # a later session's manager keeps it off
    assert PagesManager.uses_pages_directory is False
    assert leave_legacy_pages_mode() is False  # nothing to do: no second rerun
