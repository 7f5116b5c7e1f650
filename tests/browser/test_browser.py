"""Real Chromium (Debian's package, driven by Playwright) against `streamlit run dashboard.py`."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )


def test_oversikt_shows_map_and_table_without_errors(served, page, artifacts):
    page.goto(served)
    wait_for_app(page)
    page.wait_for_selector("canvas", timeout=60_000)
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    page.wait_for_timeout(2500)  # let deck.gl draw the polygons
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Demodata" in page.inner_text("body")
    page.screenshot(path=str(artifacts / "oversikt.png"), full_page=False)


PAGES = [
    ("karta", "Karta"),
    ("trender", "Trender"),
    ("omradesprofil", "Områdesprofil"),
    ("jamforelse", "Jämförelse"),
    ("data?roll=analytiker", "Data"),
    ("om-metod", "Om & metod"),
    ("est?roll=est", "EST – veckans lägesbild"),
]


@pytest.mark.parametrize("path, title", PAGES)
def test_every_page_renders_in_chromium(served, page, artifacts, path, title):
    page.goto(f"{served}/{path}")
    wait_for_app(page)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_timeout(1500)
    assert title in page.inner_text("h1")
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(artifacts / f"{path.split('?')[0]}.png"))


def test_clicking_a_district_on_the_map_opens_its_profile(served, page, artifacts):
    page.goto(served)
    wait_for_app(page)
    canvas = page.locator("canvas").first
    canvas.wait_for(timeout=60_000)
    # deck.gl draws (and becomes pickable) a while after the canvas exists, longer on a busy
    # machine: click the middle of the map until the profile opens, for at most 90 s.
    opened = "() => location.pathname.endsWith('omradesprofil')"
    for _ in range(18):
        page.wait_for_timeout(2500)
        box = canvas.bounding_box()
        if box is None:  # the page has already moved on
            break
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        try:
            page.wait_for_function(opened, timeout=2500)
            break
        except PlaywrightTimeout:
            continue
    page.wait_for_function(opened, timeout=30_000)
    wait_for_app(page)
    page.wait_for_selector("h1", timeout=30_000)
    assert "Områdesprofil" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "klick_profil.png"))


def test_csv_download_matches_the_screen(served, page, artifacts):
    page.goto(f"{served}/?ind=ej_behoriga_gymnasiet")
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stDownloadButton']", timeout=60_000)
    with page.expect_download() as info:
        page.locator("[data-testid='stDownloadButton'] button").first.click()
    path = info.value.path()
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "# Indikator: Ej behöriga till gymnasiet" in text
    body = [line for line in text.splitlines() if not line.startswith("#")]
    # same districts as the table on screen, and suppressed cells stay '..'
    for name in ("Ersboda", "Mariehem", "Ålidhem", "Tomtebo"):
        assert any(name in line for line in body)
    header = body[0].split(";")
    rows = [line.split(";") for line in body[1:] if line]
    hidden = [row for row in rows if row[header.index("suppressed")].lower() == "true"]
    assert hidden, "the demo table has suppressed cells"
    assert all(row[header.index("numerator")] == ".." for row in hidden)


def test_est_page_with_the_grid_for_the_est_role(served, page, artifacts):
    page.goto(f"{served}/est?roll=est")  # demo mode: the role switcher's choice is in the URL
    wait_for_app(page)
    page.wait_for_selector("canvas", timeout=60_000)
    page.wait_for_timeout(3000)
    assert "EST – veckans lägesbild" in page.inner_text("h1")
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(artifacts / "est.png"))


def test_a_first_deep_link_on_a_fresh_server_still_goes_through_the_role_gate(
    demo_db_file, tmp_path, page
):
    """Streamlit may run a pages/ script directly on a fresh server (MPA v1 fallback); the page
    guard sends it through dashboard.py, so a role that may not see Data never does."""
    import shutil

    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_file, copy)
    proc, base = start_app(f"sqlite:///{copy}")
    try:
        page.goto(f"{base}/data")
        wait_for_app(page)
        page.wait_for_selector("h1", timeout=60_000)
        page.wait_for_timeout(1500)
        assert "Översikt" in page.inner_text("h1")
        nav = [a.inner_text() for a in page.locator("[data-testid='stSidebarNav'] a").all()]
        assert "Data" not in nav and "ui" not in nav and "auth" not in nav
        assert "Demodata" in page.inner_text("body")
    finally:
        stop_app(proc)


def test_the_first_session_on_a_fresh_server_keeps_a_changed_sidebar_widget(
    demo_db_file, tmp_path, page
):
    """Regression: in the first session after start, the first change of the demo role switcher
    was lost (Streamlit's legacy pages/ mode changed widget identities after one run)."""
    import shutil

    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_file, copy)
    proc, base = start_app(f"sqlite:///{copy}")
    try:
        page.goto(base)
        wait_for_app(page)
        page.wait_for_selector("h1", timeout=60_000)
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="Roll"
        ).click()
        page.keyboard.type("Analyt")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stSidebarNav\"] a')]"
            ".some(a => a.innerText.trim() === 'Data')",
            timeout=30_000,
        )
    finally:
        stop_app(proc)
