"""An analyst loads files through the Data page in Chromium: a good file lands, a bad one is
refused with row and column, and a rollback takes the batch out again."""

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def analyst_page(browser, demo_db_file, tmp_path):
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_file, copy)
    proc, base = start_app(f"sqlite:///{copy}")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/data?roll=analytiker")
    page.wait_for_selector("h1", timeout=60_000)
    yield page, copy
    context.close()
    stop_app(proc)


def upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.get_by_role("button", name="Läs in").wait_for(timeout=30_000)
    page.get_by_role("button", name="Läs in").click()


def test_a_good_file_lands_and_the_app_leaves_demo_mode(analyst_page, artifacts):
    from store import Store
    from store.observations import list_batches

    page, db = analyst_page
    before = len(list_batches(Store(f"sqlite:///{db}")))
    upload(page, DATA / "good" / "semicolon_decimal_comma_bom.csv")
    page.wait_for_selector("[data-testid='stAlertContentSuccess']", timeout=60_000)
    assert "inlästa" in page.inner_text("[data-testid='stAlertContentSuccess']")
    page.screenshot(path=str(artifacts / "data_import.png"))
    batches = list_batches(Store(f"sqlite:///{db}"))
    assert len(batches) == before + 1 and batches.iloc[0]["user_name"] == "demo-analytiker"
    # real data now: the demo role switcher is gone for good (issue 7), but the synthetic rows
    # still on screen are never passed off as real: every page says the data are mixed (#14)
    page.reload()
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.get_by_text("Roll (endast demo)").count() == 0
    assert "Data" not in [
        a.inner_text() for a in page.locator("[data-testid='stSidebarNav'] a").all()
    ]
    warning = page.locator("[data-testid='stAlert']").filter(has_text="Blandat")
    assert warning.count() == 1, page.inner_text("body")[:1500]
    text = warning.inner_text()
    assert "syntetiska demodata finns kvar bredvid verkliga data" in text
    assert re.search(r"\(\d[\d\xa0 ]* påhittade rader\)", text), text
    assert "sources rollback" in text
    page.screenshot(path=str(artifacts / "data_import_mixed_banner.png"))


def test_rollback_from_the_data_page(analyst_page, artifacts):
    from store import Store
    from store.observations import list_batches

    page, db = analyst_page
    listed = list_batches(Store(f"sqlite:///{db}"))
    newest = int(listed.iloc[0]["id"])
    # nothing is chosen until the analyst picks a batch; then a dialog asks first
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Återställ import")
    box.click()
    page.keyboard.type(str(listed.iloc[0]["file_name"]))
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Återställ …").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, återställ").click()
    page.wait_for_function("() => document.body.innerText.includes('återställd')", timeout=30_000)
    page.screenshot(path=str(artifacts / "data_rollback.png"))
    after = list_batches(Store(f"sqlite:///{db}")).set_index("id")
    assert after.loc[newest, "status"] == "rolled_back"


def test_a_bad_file_is_refused_with_row_and_column_and_nothing_changes(analyst_page, artifacts):
    from store import Store
    from store.observations import list_batches

    page, db = analyst_page
    before = len(list_batches(Store(f"sqlite:///{db}")))
    upload(page, DATA / "bad" / "negative_count.csv")
    page.wait_for_selector("[data-testid='stAlertContentError']", timeout=60_000)
    text = page.inner_text("[data-testid='stAlertContentError']")
    assert "lästes inte in" in text and "oförändrad" in text
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    page.screenshot(path=str(artifacts / "data_error.png"))
    assert len(list_batches(Store(f"sqlite:///{db}"))) == before
