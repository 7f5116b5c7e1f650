"""AppTest driver shared by the page tests."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_app(monkeypatch):
    """Run dashboard.py on ``store`` with a demo role, secrets and query string, then a page."""
    monkeypatch.chdir(ROOT)

    def run(
        store,
        *,
        page: str | None = None,
        role: str | None = None,
        secrets: dict | None = None,
        query: dict | None = None,
    ) -> AppTest:
        monkeypatch.setenv("UVTS_DATABASE_URL", store.url)
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in (secrets or {}).items():
            at.secrets[key] = value
        if role:
            at.session_state["role"] = role  # what a visitor would pick in the demo switcher
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
