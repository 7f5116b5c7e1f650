"""Real Chromium (Debian's package, driven by Playwright) against `streamlit run dashboard.py`."""

import pytest

from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(demo_db_file, tmp_path_factory):
    import shutil

    copy = tmp_path_factory.mktemp("browser") / "demo.sqlite"
    shutil.copy(demo_db_file, copy)
    proc, base = start_app(f"sqlite:///{copy}")
    yield base
    stop_app(proc)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    p = context.new_page()
    yield p
    context.close()


def wait_for_app(page):
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def test_oversikt_shows_map_and_table_without_errors(served, page, artifacts):
    page.goto(served)
    wait_for_app(page)
    page.wait_for_selector("canvas", timeout=60_000)
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    page.wait_for_timeout(2500)  # let deck.gl draw the polygons
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Demodata" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "oversikt.png"), full_page=False)
