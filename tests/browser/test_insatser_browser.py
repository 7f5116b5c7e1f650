"""The Insatser page in real Chromium: register, three designs, verdicts, charts, CSV download."""

import shutil

import pytest

from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(demo_db_file, tmp_path_factory):
    copy = tmp_path_factory.mktemp("insatser") / "demo.sqlite"
    shutil.copy(demo_db_file, copy)
    proc, base = start_app(f"sqlite:///{copy}")
    yield base
    stop_app(proc)


def test_insatser_page_shows_three_designs_with_verdicts_and_downloads_the_table(
    served, browser, artifacts
):
    context = browser.new_context(viewport={"width": 1400, "height": 1900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{served}/insatser?roll=rad")
        page.wait_for_selector("text=Insatser och effekter", timeout=90_000)
        page.wait_for_selector("text=Syntetisk kontroll", timeout=120_000)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
        )
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        body = page.inner_text("body")
        for text in ("Avbruten tidsserie", "Jämförelse med andra områden", "Antaganden"):
            assert text in body
        assert any(
            word in body
            for word in ("Minskning efter", "Ökning efter", "Ingen säker", "Otillräckligt underlag")
        )
        assert "Traceback" not in body
        page.screenshot(path=str(artifacts / "insatser.png"), full_page=True)
        with page.expect_download() as info:
            page.get_by_text("Utvärderingen (CSV)").click()
        data = info.value.path().read_bytes().decode("utf-8-sig")
        assert data.splitlines()[0].startswith("synthetic;intervention;indicator;method")
        assert len(data.splitlines()) == 4
    finally:
        context.close()
