"""AppTest of the Insatser page on the demo database (real store, real evaluation)."""

import json

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from access.interventions import evaluate_intervention
from store import schema


def _audit_actions(store) -> list[str]:
    log = schema.audit_log
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(log.c.action).order_by(log.c.id)).scalars())


def test_register_and_three_designs_side_by_side_with_verdicts_and_assumptions(demo_store, run_app):
    at = run_app(demo_store, page="pages/insatser.py", role="rad")
    assert at.title[0].value == "Insatser och effekter"
    register = at.dataframe[0].value
    assert "Ungdomens hus öppnar på Ersboda" in set(register["Insats"])
    assert "Mariehem, Tomtebo" in set(register["Områden"])
    assert any("Demodata – syntetiska värden" in c.value for c in at.caption)
    markdown = "\n".join(m.value for m in at.markdown)
    for name in ("Avbruten tidsserie", "Jämförelse med andra områden", "Syntetisk kontroll"):
        assert f"**{name}**" in markdown
    verdicts = [box.value for box in [*at.success, *at.info]]
    assert len(verdicts) >= 3
    assert all(
        v.startswith(("Minskning", "Ökning", "Ingen säker", "Otillräckligt underlag"))
        for v in verdicts
    )
    assert [e.label for e in at.expander].count("Antaganden") == 3
    assert "Parallella trender" in markdown
    charts = at.get("plotly_chart")
    assert len(charts) >= 3
    traces = json.loads(charts[0].proto.spec)["data"]
    assert {tr.get("name") for tr in traces} >= {"Observerat"}
    # Analyst-only forms stay hidden from the council role.
    assert "Lägg till insats" not in [e.label for e in at.expander]


def test_choosing_another_indicator_reevaluates(demo_store, run_app):
    at = run_app(demo_store, page="pages/insatser.py", role="rad")
    before = [b.value for b in at.info] + [b.value for b in at.success]
    box = at.selectbox(key="iv-ind")
    first = box.value
    box.select_index(1).run()
    assert at.selectbox(key="iv-ind").value != first
    assert not at.exception
    after = [b.value for b in at.info] + [b.value for b in at.success]
    assert after != before


def _english_designs(result):
    import streamlit as st

    from ui import insatser_view as view

    st.session_state["lang"] = "en"  # what the sidebar's English toggle sets
    for method in view.METHODS:
        view.design_column(method, result["results"][method], y_title="per 1,000")


def test_english_toggle_translates_designs_verdicts_and_assumptions(demo_store, monkeypatch):
    monkeypatch.setenv("UVTS_DATABASE_URL", demo_store.url)
    result = evaluate_intervention(demo_store, "rad", 1, "skadegorelse")
    at = AppTest.from_function(_english_designs, args=(result,), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    markdown = "\n".join(m.value for m in at.markdown)
    assert "**Interrupted time series**" in markdown and "Parallel trends" in markdown
    verdicts = [box.value for box in [*at.success, *at.info]]
    assert len(verdicts) == 3
    assert all(
        v.startswith(("Decrease", "Increase", "No clear", "Insufficient data")) for v in verdicts
    )
    assert [e.label for e in at.expander] == ["Assumptions"] * 3


def test_an_analyst_adds_an_intervention_and_it_is_audited(demo_store, run_app):
    at = run_app(demo_store, page="pages/insatser.py", role="analytiker")
    assert "Lägg till insats" in [e.label for e in at.expander]
    form = at.get("form")[0]
    assert form is not None
    at.text_input[0].set_value("Sommarjobb för unga")
    at.multiselect[0].set_value(["d-ersboda"])
    at.text_input[1].set_value("Arbetsmarknad")
    at.button[0].click().run()
    assert not at.exception
    assert any("Sparat" in s.value for s in at.success)
    assert "intervention_add" in _audit_actions(demo_store)
    at.run()
    assert "Sommarjobb för unga" in set(at.dataframe[0].value["Insats"])


def test_publik_reads_the_register_but_gets_no_forms(demo_store, run_app):
    at = run_app(demo_store, page="pages/insatser.py", role="publik")
    assert not at.exception
    assert len(at.dataframe) >= 1
    assert not at.get("form")
