"""The pages follow access/'s capabilities for every role (issue 11): the brief button only for
``brief``, the EST forms only for ``est_entry``, the weekly brief only for ``est_brief``; form
text with an identity number is refused without echo; user text in tables is defused."""

from __future__ import annotations

import pytest

from access import ROLES, may, may_open
from tests.sources.conftest import dump

ENTRY_LABEL = "Tidpunkt (ÅÅÅÅ-MM-DD TT:MM)"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_pages_brief_forms_and_weekly_brief(demo_store, run_app, role):
    at = run_app(demo_store, role=role)
    assert ("brief-make" in [b.key for b in at.button]) == may(role, "brief")
    for page in ("data", "admin", "est"):
        try:
            at.switch_page(f"pages/{page}.py")
            registered = True
        except ValueError:  # not in this role's navigation at all
            registered = False
        assert registered == may_open(role, page), page
    at.switch_page("pages/est.py").run()
    assert not at.exception
    assert (ENTRY_LABEL in [w.label for w in at.text_input]) == may(role, "est_entry")
    assert ("est-brief" in [b.key for b in at.button]) == may(role, "est_brief")


def test_an_est_form_with_a_personnummer_is_refused_without_echo(demo_store, run_app):
    at = run_app(demo_store, page="pages/est.py", role="est")
    before = dump(demo_store)
    field = next(w for w in at.text_input if w.label == ENTRY_LABEL)
    field.input("2025-11-15 22:10 850709\u20139805")
    next(b for b in at.button if b.label == "Spara").click()
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "personnummer" in errors
    assert "9805" not in errors and "850709" not in errors
    assert dump(demo_store) == before


FORMULA = '=HYPERLINK("http://x")'


def _cells(at) -> list[str]:
    return [str(v) for df in at.dataframe for v in df.value.to_numpy().ravel()]


def test_a_formula_typed_as_source_is_defused_in_the_data_page_table(demo_store, run_app, tmp_path):
    """st.dataframe's own CSV download: a source text never reaches it as a live formula."""
    from sources.template import import_file

    path = tmp_path / "skola.csv"
    path.write_text("omrade;period;matt;antal\nErsboda;2024;pop_total;5\n", encoding="utf-8")
    # Synthetic, so the demo database keeps its role switcher; the source takes the same path.
    import_file(demo_store, path, user="anna", source=FORMULA, synthetic=True)
    cells = _cells(run_app(demo_store, page="pages/data.py", role="analytiker"))
    assert any(c.startswith("'=HYPERLINK") for c in cells), cells[:20]
    assert not any(c.startswith("=") for c in cells)


def test_a_formula_typed_as_an_intervention_is_defused_in_the_register(demo_store, run_app):
    from access.interventions import add_intervention

    add_intervention(
        demo_store,
        "analytiker",
        user="anna",
        name=FORMULA,
        districts=["d-ersboda"],
        start="2024-01-01",
        description="+SUM(A1)",
    )
    cells = _cells(run_app(demo_store, page="pages/insatser.py", role="analytiker"))
    assert any(c.startswith("'=HYPERLINK") for c in cells), cells[:20]
    assert not any(c.startswith(("=", "+")) for c in cells)


def test_a_database_that_is_down_shows_no_connection_string(run_app):
    class Unreachable:
        url = "postgresql+psycopg://uvts_user:hemligt@127.0.0.1:9/uvts_prod"

    at = run_app(Unreachable)
    shown = " ".join(
        str(e.value) for e in [*at.error, *at.info, *at.warning, *at.markdown, *at.caption]
    )
    assert "Databasen kan inte nås" in shown
    for secret in ("hemligt", "uvts_user", "127.0.0.1", "uvts_prod", "postgresql", "psycopg"):
        assert secret not in shown, secret


def test_user_text_in_a_message_is_shown_as_text_and_tables_are_defused():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        import ui

        ui.error("Rubriken '[klicka](http://evil.example)' <b>fet</b> är okänd")
        ui.dataframe(pd.DataFrame({"källa": ["=1+1", "+46", "@SUM(A1)", "Skolan"]}))

    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert "\\[klicka\\]" in message and "\\<b\\>" in message
    assert at.dataframe[0].value["källa"].tolist() == ["'=1+1", "'+46", "'@SUM(A1)", "Skolan"]
