"""AppTest per page on the demo database: renders, shows the focus districts, reacts to widgets."""

import os

import pytest
from streamlit.testing.v1 import AppTest

FOCUS = ["Ersboda", "Mariehem", "Ålidhem", "Tomtebo"]


@pytest.fixture
def app(demo_store, monkeypatch):
    monkeypatch.setenv("UVTS_DATABASE_URL", demo_store.url)
    os.chdir(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))

    def run(page: str | None = None, **query):
        at = AppTest.from_file("dashboard.py", default_timeout=60)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def table_text(at) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


def test_oversikt_renders_with_the_four_districts_and_the_demo_banner(app):
    at = app()
    text = table_text(at)
    for name in FOCUS:
        assert name in text
    assert any("Demodata – syntetiska värden" in w.value for w in at.warning)
    assert len(at.get("deck_gl_json_chart")) == 1


def test_changing_the_indicator_changes_the_values(app):
    at = app()
    before = table_text(at)
    box = at.sidebar.selectbox(key="ind")
    other = [o for o in box.options if o != box.value][0]
    box.set_value(other).run()
    assert not at.exception
    assert table_text(at) != before
    assert at.query_params["ind"] == [other] or at.query_params["ind"] == other


def test_trender_renders_lines_for_the_focus_districts(app):
    at = app("pages/trender.py")
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    import json

    spec = json.loads(charts[0].proto.spec)
    names = {tr.get("name") for tr in spec["data"] if tr.get("name")}
    for name in FOCUS:
        assert name in names
    assert "Umeå kommun" in names


def test_english_toggle_switches_labels(app):
    at = app(lang="en")
    assert at.title[0].value == "Overview"
