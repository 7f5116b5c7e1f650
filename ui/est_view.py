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
)
from access.reads import est_week as read_est_week
from access.reads import produce
from common.errors import UserError
from common.fmt import fmt_int, fmt_week
from common.settings import database_url
from geo.boundaries import district_polygons, has_boundaries, missing_boundaries_message
from geo.layers import boundary_layer, deck, grid_layer, label_layer, urban_view_state
from indicators import est
from indicators.disclosure import PROTECTED, PROTECTED_EN, SYMBOL
from indicators.est_public import period_label
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


def est_map(
    cells: pd.DataFrame, hot: pd.DataFrame, activities: pd.DataFrame | None, *, prev_n: int
) -> None:
    """Cells coloured by this week's count (outlined when a Gi* hotspot), districts on top."""
    if not has_boundaries():  # table-and-chart mode (data/place/<place>.yml)
        st.info(missing_boundaries_message(), icon="🗺️")
        return
    frame = cells.merge(
        hot[["cell_x", "cell_y", "hotspot"]].rename(columns={"hotspot": "class"}),
        on=["cell_x", "cell_y"],
        how="left",
    )
    frame["class"] = frame["class"].fillna("none")
    value = frame["count"] + (frame["count_previous"] if prev_n else 0)
    top = max(float(value.max()), 1.0)
    colours = [
        [230, int(160 - 120 * v / top), 30, 60 + int(180 * v / top)]
        if v > 0
        else [200, 200, 200, 60]
        for v in value
    ]
    frame["hot_text"] = (
        frame["class"].map({"hot": t("hotspot", "hotspot"), "cold": t("kall", "cold")}).fillna("")
    )
    layers = [
        grid_layer(
            frame, value_col="count", colors=colours, tooltip_cols=["count_previous", "hot_text"]
        )
    ]
    hot_cells = frame[frame["class"] == "hot"]
    if not hot_cells.empty:
        outline = grid_layer(hot_cells, colors=[[0, 0, 0, 0]] * len(hot_cells), layer_id="hotspots")
        outline.stroked = True
        outline.get_line_color = [0, 0, 0]
        outline.line_width_min_pixels = 3
        layers.append(outline)
    if activities is not None and not activities.empty and "cell_x" in activities:
        acts = activities.dropna(subset=["cell_x", "cell_y"])
        if not acts.empty:
            layers.append(
                grid_layer(
                    acts,
                    colors=[[0, 114, 178, 160]] * len(acts),
                    layer_id="activities",
                    tooltip_cols=["kind", "status"],
                )
            )
    districts = district_polygons(crs=4326)
    layers += [boundary_layer(districts), label_layer(districts)]
    view = urban_view_state()
    view.zoom = round(view.zoom - 0.3, 2)
    tooltip = {
        "html": t(
            "Händelser: {count}<br/>Tidigare veckor: {count_previous}<br/>{hot_text}",
            "Incidents: {count}<br/>Earlier weeks: {count_previous}<br/>{hot_text}",
        )
    }
    st.pydeck_chart(
        deck(layers, view_state=view, tooltip=tooltip, height=460), height=460, key="est-map"
    )
    st.caption(
        t(
            "Orange rutor = händelser denna vecka (mörkare = fler); svart kant = hotspot (Gi*, FDR); "
            "blå rutor = aktiviteter.",
            "Orange cells = incidents this week (darker = more); black outline = hotspot (Gi*, FDR); "
            "blue cells = activities.",
        )
    )


def est_forms_and_brief(week: str) -> None:
    """Single-incident/activity entry and the weekly brief (PDF), each only for a role with
    the capability (``est_entry``, ``est_brief``); writes go through :mod:`access.reads`."""
    role = session_role()
    c1, c2, c3 = st.columns(3)
    if may(role, "est_entry"):
        _entry_forms(c1, c2, role)
    if may(role, "est_brief"):
        with c3:
            _weekly_brief(week, role)


def _entry_forms(c1, c2, role: str) -> None:
    with c1.expander(t("Registrera händelse", "Register incident")), st.form("incident_form"):
        when = st.text_input(
            t("Tidpunkt (ÅÅÅÅ-MM-DD TT:MM)", "Time (YYYY-MM-DD HH:MM)"),
            value=datetime.now().strftime("%Y-%m-%d %H:%M"),
        )
        kind = st.selectbox(t("Typ", "Type"), list(INCIDENT_TYPES))
        partner = st.selectbox(t("Rapportör", "Reported by"), list(PARTNERS))
        x = st.number_input("E (SWEREF 99 TM)", value=759000.0, step=50.0)
        y = st.number_input("N (SWEREF 99 TM)", value=7087000.0, step=50.0)
        if st.form_submit_button(t("Spara", "Save")):
            try:
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
    with c2.expander(t("Registrera aktivitet", "Register activity")), st.form("activity_form"):
        when = st.text_input(
            t("Start (ÅÅÅÅ-MM-DD TT:MM)", "Start (YYYY-MM-DD HH:MM)"),
            value=datetime.now().strftime("%Y-%m-%d %H:%M"),
        )
        kind = st.selectbox(t("Aktivitet", "Activity"), list(ACTIVITY_KINDS))
        status = st.selectbox(
            "Status",
            ["planerad", "genomford"],
            format_func=lambda s: {
                "planerad": t("planerad", "planned"),
                "genomford": t("genomförd", "held"),
            }[s],
        )
        organiser = st.selectbox(t("Arrangör", "Organiser"), list(ORGANISERS))
        district = st.selectbox(
            t("Område", "District"),
            areas().query("level == 'district'")["code"],
            format_func=dict(zip(areas()["code"], areas()["name"], strict=True)).get,
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
                    user=user_name(),
                )
                st.success(t("Sparad.", "Saved."))
            except UserError as exc:
                st.error(escape_markdown(exc))


def _weekly_brief(week: str, role: str) -> None:
    if st.button(t("Skapa veckobrev (PDF)", "Make the weekly brief (PDF)"), key="est-brief"):

        def make() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                out = build_est_week_pdf(
                    store(), week, out=Path(tmp) / f"veckobrev_{week}.pdf", role=role
                )
                return out.read_bytes()

        st.session_state["est-pdf"] = produce(
            store(), role, "est_brief", make, user=user_name(), what=f"veckobrev_{week}.pdf"
        )
    if st.session_state.get("est-pdf"):
        st.download_button(
            t("⬇ Ladda ned veckobrevet", "⬇ Download the weekly brief"),
            st.session_state["est-pdf"],
            file_name=f"veckobrev_{week}.pdf",
            mime="application/pdf",
            key="est-pdf-dl",
        )


def est_public(data: dict) -> None:
    """The EST page for roles that may not see counts: the last ended four-week period's
    protected totals per district and type, and the municipality per period
    (:func:`indicators.est_public.public_view`; docs/disclosure.md §6)."""

    def shown(x: float) -> str:
        return SYMBOL if pd.isna(x) else fmt_int(x)

    note = t(PROTECTED, PROTECTED_EN)
    st.caption(
        f"{period_label(data['period'], lang=lang())} · "
        + t(
            "summor per avslutad fyraveckorsperiod; inga veckotal, små tal skyddas",
            "totals per ended four-week period; no weekly figures, small numbers protected",
        )
    )
    st.metric(
        t("Händelser i perioden, hela Umeå", "Incidents in the period, all Umeå"),
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
