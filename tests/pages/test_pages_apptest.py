"""AppTest per page on the demo database: renders, shows the focus districts, reacts to widgets."""

import pytest

FOCUS = ["Ersboda", "Mariehem", "Ålidhem", "Tomtebo"]


@pytest.fixture
def app(demo_store, run_app):
    def run(page: str | None = None, *, role: str | None = None, **query):
        return run_app(demo_store, page=page, role=role, query=query)

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
    from catalogue import load_catalogue

    box = at.sidebar.selectbox(key="ind")
    other = [i for i in load_catalogue() if i != box.value][1]
    box.set_value(other).run()
    assert not at.exception
    assert table_text(at) != before
    assert other in str(at.query_params["ind"])  # the view lives in the URL


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


def test_english_view_marks_every_hidden_cell_the_same_and_shows_no_number(app):
    # One text for every hidden cell, whatever rule hid it (docs/disclosure.md §5).
    at = app(lang="en")
    notes = [df.value for df in at.dataframe if "Note" in df.value.columns]
    assert notes
    for table in notes:
        assert set(table["Note"]) <= {"", "figure protected"}
        hidden = table[table["Note"] == "figure protected"]
        assert (hidden["Value"] == "–").all() and (hidden["Numerator"] == "–").all()
    assert "uppgift skyddad" not in table_text(at) and "prickad" not in table_text(at)


def test_karta_draws_the_map_and_switches_to_the_risk_index(app):
    at = app("pages/karta.py")
    assert len(at.get("deck_gl_json_chart")) == 1
    at.sidebar.radio(key="karta_layer").set_value("risk").run()
    assert not at.exception
    assert len(at.get("deck_gl_json_chart")) == 1


def test_omradesprofil_shows_spines_and_rank_intervals(app):
    at = app("pages/omradesprofil.py", area="d-alidhem")
    assert "Ålidhem" in at.title[0].value
    assert len(at.get("plotly_chart")) == 2
    labels = [m.value for m in at.metric]
    assert all(("rang" in v) or ("otillräckligt" in v) for v in labels), labels


def test_jamforelse_draws_a_funnel_with_limits(app):
    at = app("pages/jamforelse.py", ind="skadegorelse")
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = " ".join(str(tr.get("name")) for tr in spec["data"])
    assert "99,8 %" in names and "95 %" in names


def test_om_metod_renders_every_indicator_from_the_catalogue(app):
    from catalogue import load_catalogue

    at = app("pages/om_metod.py")
    labels = " ".join(e.label for e in at.expander)
    for ind in load_catalogue().values():
        assert ind.name_sv in labels
    assert any("Röjandekontroll" in s.value for s in at.subheader)


def test_data_page_lists_batches_and_freshness(app):
    at = app("pages/data.py", role="analytiker")
    assert len(at.dataframe) >= 2
    assert "demo" in at.dataframe[0].value.to_csv()


def test_public_role_does_not_get_the_data_page(app):
    at = app(role="publik")
    try:
        at.switch_page("pages/data.py")
        at.run()
    except ValueError as exc:  # AppTest refuses a page that is not registered
        assert "Could not find a navigation page" in str(exc)
    assert all(t.value != "Data" for t in at.title)
    assert not any("Läs in en fil" in s.value for s in at.subheader)


def test_one_click_makes_the_council_brief(app):
    from io import BytesIO

    from pypdf import PdfReader

    at = app()
    at.button(key="brief-make").click().run()
    assert not at.exception
    pdf = at.session_state["brief-pdf"]
    reader = PdfReader(BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 4
    assert "Rådsunderlag" in reader.pages[0].extract_text()


def test_est_page_for_the_est_role_shows_grid_heatmap_and_week_comparison(app):
    at = app("pages/est.py", role="est")
    assert at.title[0].value.startswith("EST")
    assert len(at.get("deck_gl_json_chart")) == 1
    assert len(at.get("plotly_chart")) == 1
    assert "Ersboda" in at.dataframe[0].value.to_csv()
    import json

    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    grid = [layer for layer in spec["layers"] if layer["id"] == "grid"][0]
    assert grid["data"] and all(set(c) >= {"polygon", "count"} for c in grid["data"])
    assert not any("x" in c and "y" in c for c in grid["data"])  # cells only, never points


def test_est_week_choice_lives_in_the_url(app):
    at = app("pages/est.py", role="est", week="2025-W40")
    assert at.session_state["est_week"] == "2025-W40"
    assert "v. 40 2025" in at.caption[0].value


def test_est_page_for_the_public_shows_only_suppressed_district_totals(app):
    at = app("pages/est.py", role="publik")
    assert "fyraveckorsperiod" in at.caption[0].value and "inga veckotal" in at.caption[0].value
    assert at.title[0].value.startswith("EST")
    assert len(at.get("deck_gl_json_chart")) == 0  # no grid for the public
    assert len(at.get("plotly_chart")) == 0
    table = at.dataframe[0].value
    assert "Ersboda" in table.to_csv()
    shown = [int(v) for v in table.iloc[:, 1] if str(v).isdigit()]
    assert all(v == 0 or v >= 5 for v in shown)


def test_jamforelse_says_when_limits_and_intervals_are_widened_for_overdispersion(app):
    at = app("pages/jamforelse.py", ind="lok_stod")
    assert not at.exception
    text = " ".join(c.value for c in at.caption) + " ".join(i.value for i in at.info)
    assert "överspridning" in text and "φ" in text
