"""Issue 16: the confidence level (95 % / Fingertips' 99,8 %) is a sidebar choice kept in the
URL and changes the intervals and verdicts shown; a partial Umeå benchmark is said in words on
every page that compares with Umeå."""

from __future__ import annotations

from indicators.publish import rebuild
from indicators.stats import VERDICT_LABELS
from store import schema
from store.published import read_values

COMPARED = "Jämfört med Umeå"
PARTIAL = "Jämförelsevärdet för Umeå är ofullständigt"


def verdict_table(at):
    """The indicator table (the one with the verdict column), indexed by area name."""
    for df in at.dataframe:
        frame = df.value
        if COMPARED in getattr(frame, "columns", []):
            return frame.set_index("Område")
    raise AssertionError("no verdict table on the page")


def a_row_the_level_changes(store):
    """A district row of the demo data whose verdict differs between 95 % and 99,8 %."""
    v = read_values(store)
    v = v[(v["area_level"] == "district") & v["period"].str.fullmatch(r"\d{4}")]
    differ = v[v["verdict"].notna() & (v["verdict"] != v["verdict_998"])]
    assert not differ.empty, "the demo data should have verdicts the level changes"
    latest = differ.sort_values("period").iloc[-1]
    return latest


def verdict_of(at, area_name: str) -> str:
    """The verdict words shown for ``area_name`` (after the symbol)."""
    return str(verdict_table(at).loc[area_name, COMPARED]).lstrip("▲▼●✕★– ").strip()


def test_the_998_choice_changes_the_verdicts_shown_and_lives_in_the_url(demo_store, run_app):
    row = a_row_the_level_changes(demo_store)
    at = run_app(demo_store, query={"ind": row["indicator_id"], "period": row["period"]})
    assert verdict_of(at, row["area_name"]) == VERDICT_LABELS[row["verdict"]]["sv"]
    assert any("95 % KI" in str(c) for c in verdict_table(at).columns)
    assert PARTIAL not in page_text(at)  # the demo's Umeå values are whole

    at.sidebar.radio(key="niva").set_value("99.8").run()
    assert not at.exception
    assert verdict_of(at, row["area_name"]) == VERDICT_LABELS[row["verdict_998"]]["sv"]
    assert any("99,8 % KI" in str(c) for c in verdict_table(at).columns)
    assert "99.8" in str(at.query_params.get("niva")), at.query_params  # the view is a link

    # Another page keeps the level (the sidebar choice is the dashboard's, not the page's).
    at.switch_page("pages/jamforelse.py").run()
    assert at.sidebar.radio(key="niva").value == "99.8"
    assert any("99,8 % KI" in str(c) for c in verdict_table(at).columns)

    at.sidebar.radio(key="niva").set_value("95").run()
    assert any("95 % KI" in str(c) for c in verdict_table(at).columns)
    assert "niva" not in at.query_params  # 95 % is the default: no parameter


def test_a_link_with_the_998_level_opens_at_that_level(demo_store, run_app):
    row = a_row_the_level_changes(demo_store)
    query = {"ind": row["indicator_id"], "period": row["period"], "niva": "99.8"}
    at = run_app(demo_store, query=query)  # Översikt
    assert at.sidebar.radio(key="niva").value == "99.8"
    assert verdict_of(at, row["area_name"]) == VERDICT_LABELS[row["verdict_998"]]["sv"]


def test_a_bad_level_in_the_link_falls_back_to_95(demo_store, run_app):
    at = run_app(demo_store, query={"niva": "=cmd|' /C calc'!A0"})
    assert at.sidebar.radio(key="niva").value == "95"


def without_one_district(store, district="d-centrum"):
    """Umeå's values summed from all districts but Centrum: partial benchmarks."""
    with store.engine.begin() as conn:
        conn.execute(schema.observation.delete().where(schema.observation.c.area_code == district))
    rebuild(store)
    v = read_values(store, indicator_ids=["skadegorelse"])
    assert v["benchmark_partial"].all()


def page_text(at) -> str:
    parts = [*at.caption, *at.warning, *at.info, *at.markdown]
    return "\n".join(str(p.value) for p in parts)


def test_every_page_comparing_with_umea_says_when_the_benchmark_is_partial(demo_store, run_app):
    without_one_district(demo_store)
    for page in (
        None,  # Översikt
        "pages/karta.py",
        "pages/jamforelse.py",
        "pages/omradesprofil.py",
        "pages/trender.py",
    ):
        at = run_app(demo_store, page=page)
        if page != "pages/omradesprofil.py":  # the others show one indicator
            at.sidebar.selectbox(key="ind").set_value("skadegorelse").run()
        assert not at.exception
        assert PARTIAL in page_text(at), page


def test_pages_without_comparisons_offer_no_level(demo_store, run_app):
    at = run_app(demo_store, page="pages/om_metod.py")
    assert not [r for r in at.sidebar.radio if r.key == "niva"]
