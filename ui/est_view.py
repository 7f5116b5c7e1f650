"""The EST page's pieces: week controls, the week as the role may see it, hotspots, the grid
map, entry forms and the weekly brief."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from access import may
from access.app import (
    ACTIVITY_KINDS,
    INCIDENT_TYPES,
    ORGANISERS,
    PARTNERS,
    add_activity,
    add_incident,
    incident_week_span,
    refuse_form_text,
)
from access.reads import est_cell_patterns, produce
from access.reads import est_week as read_est_week
from common.errors import UserError
from common.fmt import fmt_int, fmt_week
from common.settings import database_url
from geo import PLACE
from geo.boundaries import district_polygons, has_boundaries, missing_boundaries_message
from geo.layers import boundary_layer, deck, grid_layer, label_layer, urban_view_state
from indicators import est
from indicators.disclosure import PROTECTED, PROTECTED_EN, SYMBOL
from indicators.est_public import period_label
from indicators.est_words import est_word as est_word_in
from indicators.est_words import weekday_names
from reports.est_week import build_est_week_pdf
from ui.i18n import escape_markdown, lang, t
from ui.reads import areas, data_version, session_role, store, store_at, user_name
from ui.widgets import sync


@st.cache_data(show_spinner=False, max_entries=4)
def _est_span(version: int, url: str):
    return incident_week_span(store_at(url))


def est_controls() -> tuple[str, int, bool]:
    """Week (default: last complete week with data), previous-weeks layer, activities layer."""
    first, last = _est_span(data_version(), database_url())
    if last is None:
        st.info(t("Inga EST-händelser inlästa ännu.", "No EST incidents imported yet."))
        if not has_boundaries():  # EST positions are cells checked against the boundary
            st.info(
                t(
                    "EST kräver kommunens gränsfil: positioner blir rutor inom kommunen. ",
                    "EST needs the municipality's boundary file: positions become cells "
                    "inside it. ",
                )
                + missing_boundaries_message(),
                icon="🗺️",
            )
        st.stop()
    default = est.default_week(date.today(), latest_with_data=last)
    weeks = [default]
    while weeks[-1] > first and len(weeks) < 104:
        weeks.append(est.shift_week(weeks[-1], -1))
    wanted = st.query_params.get("week")
    if "est_week" not in st.session_state:
        st.session_state["est_week"] = wanted if wanted in weeks else default
    week = st.sidebar.selectbox(
        t("Vecka", "Week"), weeks, key="est_week", format_func=lambda w: fmt_week(w, lang=lang())
    )
    sync("week", week)
    prev = st.sidebar.radio(
        t("Tidigare veckor i kartan", "Earlier weeks on the map"),
        [0, 4, 8],
        key="est_prev",
        horizontal=True,
        format_func=lambda n: t("inga", "none") if n == 0 else f"{n}",
    )
    acts = st.sidebar.toggle(t("Visa aktiviteter", "Show activities"), value=True, key="est_acts")
    return week, prev, acts


@st.cache_data(show_spinner=False, max_entries=16)
def _est_week(version: int, url: str, week: str, prev: int, role: str) -> dict:
    return read_est_week(store_at(url), role, week, previous_weeks=prev)


def est_week(week: str, prev: int) -> dict:
    """The week as the session's role may see it: cells for est/admin, district totals otherwise."""
    return _est_week(
        data_version(), database_url(), week, prev, st.session_state.get("app_role", "publik")
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _est_hot(version: int, url: str, week: str, role: str) -> pd.DataFrame:
    cells = _est_week(version, url, week, 8, role)["cells"]
    # with 8 previous weeks, count_previous is the 8-week baseline hotspot_cells asks for
    cells = cells.assign(count_baseline=cells["count_previous"])
    return est.hotspots(
        est.hotspot_cells({"cells": cells}), permutations=est.DETECTION_PERMUTATIONS
    )


def est_hotspots(week: str) -> pd.DataFrame:
    return _est_hot(
        data_version(), database_url(), week, st.session_state.get("app_role", "publik")
    )


EXCESS_CAVEAT_EN = (
    "'More than usual' means the week's count in the district is significantly higher than "
    "the mean of the eight previous weeks (Poisson test, p < 0.01 and at least three "
    "incidents). The test ignores the uncertainty of the mean and seasonality: read it as an "
    "unusually high week, not as evidence of a change."
)


def hotspot_caveats_en(permutations: int) -> str:
    """English counterpart of :func:`indicators.est.hotspot_caveats`."""
    return (
        "Hotspots use Getis–Ord Gi* on 250 m cells: each cell together with its eight "
        "neighbours is compared with the mean. Only cells with at least one incident this week "
        "or in the eight before take part, so the comparison is among places where something "
        f"happened. Significance comes from {permutations:,} random reallocations of the "
        "counts (conditional permutation, two-sided) and is adjusted for testing many cells "
        "(Benjamini–Hochberg, FDR 5%). The data are incidents partners reported, so they also "
        "reflect where partners go and report. A hotspot is a statistical cluster in one week, "
        "not an explanation, and points to places – never people."
    )


def excess_caveat() -> str:
    return est.EXCESS_CAVEAT if lang() == "sv" else EXCESS_CAVEAT_EN


def hotspot_caveat() -> str:
    if lang() == "sv":
        return est.hotspot_caveats(est.DETECTION_PERMUTATIONS)
    return hotspot_caveats_en(est.DETECTION_PERMUTATIONS)


LABELS_EN = {est.MORE_THAN_USUAL: "more than usual"}


def est_label(label) -> str:
    """A district's weekly assessment word in the session's language."""
    return LABELS_EN.get(str(label), str(label)) if lang() == "en" else str(label)


def est_word(word) -> str:
    """A stored EST word (type, partner, activity, status) in the session's language."""
    return est_word_in(word, lang())


def _cell_district(cells: pd.DataFrame) -> pd.Series:
    names = dict(zip(areas()["code"], areas()["name"], strict=True))
    return cells["district_code"].map(names).fillna("–")


def est_map(
    cells: pd.DataFrame, hot: pd.DataFrame, activities: pd.DataFrame | None, *, prev_n: int
) -> dict | None:
    """This week's cells in orange (darker = more, count written in the tooltip), earlier weeks
    as hollow grey squares, Gi* hotspots with a thick black outline, activities as blue squares
    (filled = held, outline = planned).  Returns the clicked cell (``cell_x``, ``cell_y``,
    ``district_code``) or None."""
    if not has_boundaries():  # table-and-chart mode (data/place/<place>.yml)
        st.info(missing_boundaries_message(), icon="🗺️")
        return
    frame = cells.merge(
        hot[["cell_x", "cell_y", "hotspot"]].rename(columns={"hotspot": "class"}),
        on=["cell_x", "cell_y"],
        how="left",
    )
    frame["class"] = frame["class"].fillna("none")
    frame["district"] = _cell_district(frame)
    now = frame[frame["count"] > 0].reset_index(drop=True)
    top = max(float(now["count"].max()) if not now.empty else 1.0, 1.0)
    colours = [[230, int(170 - 130 * v / top), 30, 120 + int(130 * v / top)] for v in now["count"]]
    hot_word = {"hot": t("hotspot (Gi*)", "hotspot (Gi*)"), "cold": t("kall (Gi*)", "cold (Gi*)")}
    # plain text with line breaks: Streamlit escapes HTML inside a tooltip's values
    now["tip"] = [
        "\n".join(
            [
                str(d),
                t(f"Händelser denna vecka: {c}", f"Incidents this week: {c}"),
                t(f"Tidigare {prev_n or 8} veckor: {p}", f"Previous {prev_n or 8} weeks: {p}"),
                *([hot_word[k]] if k in hot_word else []),
                t("Klicka för att planera här", "Click to plan here"),
            ]
        )
        for d, c, p, k in zip(
            now["district"], now["count"], now["count_previous"], now["class"], strict=True
        )
    ]
    layers = []
    if prev_n:
        before = frame[(frame["count"] == 0) & (frame["count_previous"] > 0)].reset_index(drop=True)
        if not before.empty:
            earlier = grid_layer(
                before, colors=[[120, 120, 120, 0]] * len(before), layer_id="earlier"
            )
            earlier.pickable = False
            earlier.get_line_color = [110, 110, 110]
            earlier.line_width_min_pixels = 1.5
            layers.append(earlier)
    if not now.empty:
        layers.append(
            grid_layer(
                now, value_col="count", colors=colours, tooltip_cols=["tip", "district_code"]
            )
        )
    hot_cells = frame[frame["class"] == "hot"]
    if not hot_cells.empty:
        outline = grid_layer(hot_cells, colors=[[0, 0, 0, 0]] * len(hot_cells), layer_id="hotspots")
        outline.pickable = False
        outline.get_line_color = [0, 0, 0]
        outline.line_width_min_pixels = 4
        layers.append(outline)
    if activities is not None and not activities.empty and "cell_x" in activities:
        acts = activities.dropna(subset=["cell_x", "cell_y"]).reset_index(drop=True)
        if not acts.empty:
            held = acts["status"] != "planerad"
            acts["tip"] = [
                f"{t('Aktivitet', 'Activity')}: {est_word(k)} ({est_word(st_)})"
                f"\n{pd.Timestamp(w):%Y-%m-%d %H:%M}"
                for k, st_, w in zip(acts["kind"], acts["status"], acts["starts_at"], strict=True)
            ]
            layer = grid_layer(
                acts,
                colors=[[0, 114, 178, 200] if h else [0, 114, 178, 0] for h in held],
                layer_id="activities",
                tooltip_cols=["tip"],
                cell_size=150,
            )
            layer.get_line_color = [0, 90, 160]
            layer.line_width_min_pixels = 3
            layers.append(layer)
    districts = district_polygons(crs=4326)
    layers += [boundary_layer(districts), label_layer(districts)]
    view = urban_view_state()
    view.zoom = round(view.zoom - 0.3, 2)
    event = st.pydeck_chart(
        deck(layers, view_state=view, tooltip={"text": "{tip}"}, height=460),
        height=460,
        key="est-map",
        on_select="rerun",
        selection_mode="single-object",
    )
    st.caption(
        t(
            "Orange ruta = händelser denna vecka (mörkare = fler); grå kontur = händelser bara "
            "tidigare veckor; tjock svart kant = hotspot (Gi*, FDR); blå ruta = aktivitet "
            "(fylld = genomförd, kontur = planerad). Klicka på en ruta för att planera där.",
            "Orange cell = incidents this week (darker = more); grey outline = incidents in "
            "earlier weeks only; thick black outline = hotspot (Gi*, FDR); blue square = "
            "activity (filled = held, outline = planned). Click a cell to plan there.",
        )
    )
    try:
        picked = event.selection.objects.get("grid", [])
    except AttributeError:
        picked = []
    if picked:
        cell = picked[0]
        x, y = cell_xy(cell.get("cell_id", ""))
        if x is not None:
            return {"cell_x": x, "cell_y": y, "district_code": cell.get("district_code")}
    return None


def cell_xy(cell_id: str) -> tuple[int | None, int | None]:
    """South-west corner of a cell from its INSPIRE id ``CRS3006RES250mN<y>E<x>``.

    Examples
    --------
    >>> cell_xy("CRS3006RES250mN7092250E761250")
    (761250, 7092250)
    """
    try:
        north, east = str(cell_id).split("N", 1)[1].split("E")
        return int(east), int(north)
    except (IndexError, ValueError):
        return None, None


def est_hotspot_list(week: str, hot: pd.DataFrame, activities: pd.DataFrame) -> None:
    """This week's hotspots ranked in text: district, counts, when (weekday and hours over
    the last 8 weeks), activities held and planned in the district, and "plan here"."""
    st.subheader(t("Veckans hotspots", "This week's hotspots"))
    if hot.empty:
        st.caption(t("Inga händelser denna vecka.", "No incidents this week."))
        return
    ranked = est.ranked_hotspots(hot)
    if not ranked["is_hot"].any():
        st.caption(
            t(
                "Ingen ruta är en signifikant hotspot denna vecka; listan visar rutorna med "
                "flest händelser.",
                "No cell is a significant hotspot this week; the list shows the busiest cells.",
            )
        )
    patterns = _patterns(
        week, [(int(x), int(y)) for x, y in zip(ranked["cell_x"], ranked["cell_y"], strict=True)]
    )
    ranked["district"] = _cell_district(ranked)
    days = weekday_names(lang())
    for rank, (_, r) in enumerate(ranked.iterrows(), start=1):
        p = patterns.get((int(r["cell_x"]), int(r["cell_y"])))
        when = (
            t(
                f"oftast {days[p['weekday']]}ar kl. {p['hour']:02d}–{(p['hour'] + 3) % 24:02d} "
                f"({p['count']} händelser på 9 veckor)",
                f"mostly {days[p['weekday']]}s {p['hour']:02d}–{(p['hour'] + 3) % 24:02d} "
                f"({p['count']} incidents in 9 weeks)",
            )
            if p
            else ""
        )
        acts = (
            activities[activities["district_code"] == r["district_code"]]
            if not activities.empty
            else activities
        )
        held = int((acts["status"] != "planerad").sum()) if not acts.empty else 0
        planned = int((acts["status"] == "planerad").sum()) if not acts.empty else 0
        tag = t("hotspot", "hotspot") if r["is_hot"] else t("många händelser", "busy")
        # the button on its own line: in a narrow column beside the text it was cut to "Pl…"
        st.markdown(
            f"**{rank}. {escape_markdown(r['district'])}** ({tag}) · "
            + t(f"{int(r['count'])} denna vecka", f"{int(r['count'])} this week")
            + f" · {when} · "
            + t(
                f"aktiviteter i området: {held} genomförda, {planned} planerade",
                f"activities in the district: {held} held, {planned} planned",
            )
        )
        if st.button(
            t("Planera här", "Plan here"), key=f"plan-{rank}", icon=":material/add_location_alt:"
        ):
            st.session_state["est_plan_cell"] = {
                "cell_x": int(r["cell_x"]),
                "cell_y": int(r["cell_y"]),
                "district_code": r["district_code"],
            }


@st.cache_data(show_spinner=False, max_entries=16)
def _patterns_cached(version: int, url: str, week: str, role: str, cells: tuple) -> dict:
    frame = est_cell_patterns(store_at(url), role, week, list(cells))
    return {
        (int(r["cell_x"]), int(r["cell_y"])): {
            "weekday": int(r["weekday"]),
            "hour": int(r["hour"]),
            "count": int(r["count"]),
        }
        for _, r in frame.iterrows()
    }


def _patterns(week: str, cells: list[tuple[int, int]]) -> dict:
    return _patterns_cached(
        data_version(),
        database_url(),
        week,
        st.session_state.get("app_role", "publik"),
        tuple(cells),
    )


def est_weekday_hour(data: dict) -> None:
    """Weekday × hour over this week and the 8 before, with the numbers written in the cells."""
    import plotly.graph_objects as go

    grid = data["weekday_hour"].to_numpy() + data["weekday_hour_previous"].to_numpy()
    days = [d.capitalize() for d in weekday_names(lang())]
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=list(range(24)),
            y=days,
            colorscale="Oranges",
            text=[[str(int(v)) if v else "" for v in row] for row in grid],
            texttemplate="%{text}",
            textfont={"size": 9},
            colorbar={"title": t("antal", "count")},
            hovertemplate="%{y} %{x}:00 – %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title=t(
            "Veckodag × timme, denna vecka och 8 veckor före",
            "Weekday × hour, this week and the 8 before",
        ),
        xaxis={"title": t("timme", "hour"), "dtick": 2},
        yaxis={"autorange": "reversed"},
    )
    st.plotly_chart(fig, width="stretch", key="est-heatmap")


def est_forms_and_brief(week: str) -> None:
    """Single-incident/activity entry at the cell chosen on the map or in the hotspot list (no
    coordinates typed) and the weekly brief (PDF), each only for a role with the capability
    (``est_entry``, ``est_brief``); writes go through :mod:`access.reads`."""
    role = session_role()
    if may(role, "est_entry"):
        st.subheader(t("Planera och registrera", "Plan and register"))
        _chosen_cell()
    c1, c2, c3 = st.columns(3)
    if may(role, "est_entry"):
        _entry_forms(c1, c2, role)
    if may(role, "est_brief"):
        with c3:
            _weekly_brief(week, role)


def _chosen_cell() -> None:
    """Name the cell chosen on the map or in the list, above the forms that use it."""
    cell = st.session_state.get("est_plan_cell")
    names = dict(zip(areas()["code"], areas()["name"], strict=True))
    if cell:
        st.info(
            t(
                f"Vald ruta: {names.get(cell['district_code'], '–')} (250 m-ruta "
                f"{cell['cell_x']}/{cell['cell_y']}). Formulären nedan gäller den rutan.",
                f"Chosen cell: {names.get(cell['district_code'], '–')} (250 m cell "
                f"{cell['cell_x']}/{cell['cell_y']}). The forms below apply to that cell.",
            ),
            icon=":material/location_on:",
        )
    else:
        st.caption(
            t(
                "Klicka på en ruta i kartan eller ”Planera här” i listan för att välja plats.",
                "Click a cell on the map or 'Plan here' in the list to choose the place.",
            )
        )


def _entry_forms(c1, c2, role: str) -> None:
    cell = st.session_state.get("est_plan_cell")
    names = dict(zip(areas()["code"], areas()["name"], strict=True))
    # the middle of the 250 m cell: only the cell is stored, never the point
    x = cell["cell_x"] + 125 if cell else None
    y = cell["cell_y"] + 125 if cell else None
    with c1.expander(t("Registrera händelse", "Register incident")), st.form("incident_form"):
        when = st.text_input(
            t("Tidpunkt (ÅÅÅÅ-MM-DD TT:MM)", "Time (YYYY-MM-DD HH:MM)"),
            value=datetime.now().strftime("%Y-%m-%d %H:%M"),
        )
        kind = st.selectbox(t("Typ", "Type"), list(INCIDENT_TYPES), format_func=est_word)
        partner = st.selectbox(t("Rapportör", "Reported by"), list(PARTNERS), format_func=est_word)
        if st.form_submit_button(t("Spara", "Save")):
            try:
                if cell is None:
                    refuse_form_text({"occurred_at": when, "type": kind, "partner": partner})
                    raise UserError(
                        t(
                            "Välj först en ruta i kartan eller ”Planera här” i listan.",
                            "First choose a cell on the map or 'Plan here' in the list.",
                        )
                    )
                add_incident(
                    store(),
                    role,
                    occurred_at=when,
                    type=kind,
                    partner=partner,
                    x=x,
                    y=y,
                    user=user_name(),
                )
                st.success(
                    t(
                        "Sparad (bara rutan om 250 m lagras).",
                        "Saved (only the 250 m cell is stored).",
                    )
                )
            except UserError as exc:
                st.error(escape_markdown(exc))
    with (
        c2.expander(t("Planera aktivitet här", "Plan an activity here"), expanded=cell is not None),
        st.form("activity_form"),
    ):
        when = st.text_input(
            t("Start (ÅÅÅÅ-MM-DD TT:MM)", "Start (YYYY-MM-DD HH:MM)"),
            value=datetime.now().strftime("%Y-%m-%d %H:%M"),
        )
        kind = st.selectbox(t("Aktivitet", "Activity"), list(ACTIVITY_KINDS), format_func=est_word)
        status = st.selectbox(
            "Status",
            ["planerad", "genomford"],
            format_func=lambda s: {
                "planerad": t("planerad", "planned"),
                "genomford": t("genomförd", "held"),
            }[s],
        )
        organiser = st.selectbox(t("Arrangör", "Organiser"), list(ORGANISERS), format_func=est_word)
        codes = areas().query("level == 'district'")["code"].tolist()
        district = st.selectbox(
            t("Område", "District"),
            codes,
            index=codes.index(cell["district_code"])
            if cell and cell["district_code"] in codes
            else 0,
            format_func=names.get,
        )
        if st.form_submit_button(t("Spara", "Save")):
            try:
                add_activity(
                    store(),
                    role,
                    starts_at=when,
                    kind=kind,
                    status=status,
                    organiser=organiser,
                    district=district,
                    x=x,
                    y=y,
                    user=user_name(),
                )
                st.success(t("Sparad.", "Saved."))
            except UserError as exc:
                st.error(escape_markdown(exc))


def _weekly_brief(week: str, role: str) -> None:
    edition = st.radio(
        t("Veckobrev", "Weekly brief"),
        ["est", "public"],
        key="est-edition",
        format_func=lambda e: {
            "est": t(
                "för EST-gruppen (med rutkarta, hotspots och veckodag × timme)",
                "for the EST group (with grid map, hotspots and weekday × hour)",
            ),
            "public": t(
                "att dela (bara skyddade periodsummor)", "to share (protected period totals only)"
            ),
        }[e],
    )
    language = lang()  # the PDF speaks the UI's language (reports.est_week, lang=)
    name = (
        f"est_weekly_{week}{'' if edition == 'est' else '_shared'}.pdf"
        if language == "en"
        else f"veckobrev_{week}{'' if edition == 'est' else '_delas'}.pdf"
    )
    made_key = f"est-pdf-{language}"
    if st.button(t("Skapa veckobrev (PDF)", "Make the weekly brief (PDF)"), key="est-brief"):

        def make() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                out = build_est_week_pdf(
                    store(), week, out=Path(tmp) / name, role=role, edition=edition, lang=language
                )
                return out.read_bytes()

        st.session_state[made_key] = (
            name,
            produce(store(), role, "est_brief", make, user=user_name(), what=name),
        )
    if st.session_state.get(made_key):
        made, pdf = st.session_state[made_key]
        st.download_button(
            t(f"⬇ Ladda ned {made}", f"⬇ Download {made}"),
            pdf,
            file_name=made,
            mime="application/pdf",
            key="est-pdf-dl",
        )


def est_public(data: dict) -> None:
    """The EST page for roles that may not see counts: the last ended four-week period's
    protected totals per district and type, and the municipality per period
    (:func:`indicators.est_public.public_view`; docs/disclosure.md §6)."""

    def shown(x: float) -> str:
        return SYMBOL if pd.isna(x) else fmt_int(x, lang=lang())

    note = t(PROTECTED, PROTECTED_EN)
    st.caption(
        f"{period_label(data['period'], lang=lang())} · "
        + t(
            "summor per avslutad fyraveckorsperiod; inga veckotal, små tal skyddas",
            "totals per ended four-week period; no weekly figures, small numbers protected",
        )
    )
    st.metric(
        t(f"Händelser i perioden, hela {PLACE.name}", f"Incidents in the period, all {PLACE.name}"),
        shown(data["municipality"]["count"]),
    )
    d = data["districts"]
    st.dataframe(
        pd.DataFrame(
            {
                t("Område", "District"): d["name"],
                t("Händelser", "Incidents"): d["count"].map(shown),
                t("Anmärkning", "Note"): [note if h else "" for h in d["suppressed"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    kinds = data["by_type"]
    left, right = st.columns(2)
    left.dataframe(
        pd.DataFrame(
            {
                t("Typ", "Type"): kinds["type"],
                t("Händelser", "Incidents"): kinds["count"].map(shown),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    trend = data["trend"]
    right.line_chart(
        pd.DataFrame(
            {t("Händelser", "Incidents"): trend["count"].to_numpy()},
            index=[p.replace("-P", " P") for p in trend["period"]],
        )
    )
    st.caption(
        t(
            f"”{SYMBOL}” = {PROTECTED}: för få för att visas, eller dold så att den inte kan "
            "räknas fram. Veckotal, medelvärden och signifikanstest visas bara för EST-gruppen: "
            "över många veckor skulle de avslöja de dolda talen. Se Om & metod.",
            f"“{SYMBOL}” = {PROTECTED_EN}: too few to show, or hidden so that it cannot be "
            "worked out. Weekly figures, means and tests are shown only to the EST group: over "
            "many weeks they would give the hidden numbers away. See About & method.",
        )
    )
