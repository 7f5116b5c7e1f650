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


def test_a_formula_typed_as_source_is_defused_in_the_data_page_table(demo_store, run_app, tmp_path):
    from sources.template import import_file

    path = tmp_path / "skola.csv"
    path.write_text("omrade;period;matt;antal\nErsboda;2024;pop_total;5\n", encoding="utf-8")
    # Synthetic, so the demo database keeps its role switcher; the source takes the same path.
    import_file(demo_store, path, user="anna", source='=HYPERLINK("http://x")', synthetic=True)
    at = run_app(demo_store, page="pages/data.py", role="analytiker")
    cells = [str(v) for df in at.dataframe for v in df.value.to_numpy().ravel()]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith("=") for c in cells)
