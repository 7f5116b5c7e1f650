"""What the pages share: the store handle, cached data keyed on the data version,
translation, Swedish formatting, selectors synced with the URL, downloads.

Pages stay thin: they call these helpers and lay out the result.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from common.errors import UserError
from common.fmt import fmt_interval, fmt_number, fmt_period, fmt_value

# ---------------------------------------------------------------- language


def lang() -> str:
    return st.session_state.get("lang", "sv")


def t(sv: str, en: str) -> str:
    """The Swedish text, or the English one when the English toggle is on."""
    return en if lang() == "en" else sv


# ---------------------------------------------------------------- store and data


@st.cache_resource(show_spinner=False)
def _store(url: str | None):
    from store import Store

    store = Store(url)
    store.check()
    return store


def store():
    """The shared store; a readable message and a stop if it cannot be reached."""
    from common.settings import database_url

    try:
        s = _store(database_url())
        s.check()
        return s
    except UserError as exc:
        _store.clear()
        st.error(
            t(
                f"Databasen kan inte nås just nu. {exc}",
                f"The database cannot be reached right now. {exc.message_en or exc}",
            )
        )
        st.info(t("Sidan försöker igen när du laddar om.", "Reload the page to try again."))
        st.stop()


def data_version() -> int:
    try:
        return store().data_version()
    except Exception as exc:  # noqa: BLE001 - the database went away mid-session
        _store.clear()
        st.error(t(f"Databasen svarar inte: {exc}", f"The database does not answer: {exc}"))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=16)
def _all_values(version: int, url: str, role: str) -> pd.DataFrame:
    from access.reads import indicator_values

    # The role is part of the cache key: each role's frame holds only what it may see.
    return indicator_values(_store(url), role)


def session_role() -> str:
    """The role of this session (set by pages.auth.current_role); 'publik' until then."""
    return st.session_state.get("app_role", "publik")


def values(*, levels=("municipality", "district")) -> pd.DataFrame:
    """Every published indicator value (suppressed) the session's role may see, cached until
    the next import."""
    from common.settings import database_url

    frame = _all_values(data_version(), database_url(), session_role())
    return frame[frame["area_level"].isin(levels)]


@st.cache_data(show_spinner=False)
def catalogue_frame() -> pd.DataFrame:
    from indicators.catalogue import load_catalogue

    return pd.DataFrame([i.model_dump() for i in load_catalogue().values()]).set_index(
        "id", drop=False
    )


def indicator_name(ind: pd.Series) -> str:
    return ind["name_en"] if lang() == "en" else ind["name_sv"]


@st.cache_data(show_spinner=False)
def _areas() -> pd.DataFrame:
    from geo.areas import read_areas

    return read_areas()


def areas() -> pd.DataFrame:
    return _areas()


def focus_districts() -> list[str]:
    a = areas()
    return a.loc[(a["level"] == "district") & (a["focus"].astype(int) == 1), "code"].tolist()


def is_demo() -> bool:
    from store.observations import has_real_data

    return not has_real_data(store())


# ---------------------------------------------------------------- URL-synced selectors


def _query(key: str, default=None):
    return st.query_params.get(key, default)


def _sync(key: str, value) -> None:
    if isinstance(value, list):
        st.query_params[key] = ",".join(value)
    elif value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def select_indicator(*, where=st.sidebar, key: str = "ind") -> str:
    cat = catalogue_frame()
    ids = cat["id"].tolist()
    wanted = _query(key)
    if key not in st.session_state:
        st.session_state[key] = wanted if wanted in ids else ids[0]
    choice = where.selectbox(
        t("Indikator", "Indicator"), ids, key=key, format_func=lambda i: indicator_name(cat.loc[i])
    )
    _sync(key, choice)
    return choice


def available_periods(indicator_id: str) -> list[str]:
    v = values()
    periods = v.loc[v["indicator_id"] == indicator_id, "period"].unique().tolist()
    return sorted((p for p in periods if len(p) == 4), reverse=True)


def select_period(indicator_id: str, *, where=st.sidebar, key: str = "period") -> str:
    """Years, newest first; a link without a period always means the latest data."""
    periods = available_periods(indicator_id)
    if not periods:
        st.warning(t("Inga värden för indikatorn ännu.", "No values for this indicator yet."))
        st.stop()
    wanted = _query(key)
    if st.session_state.get(key) not in periods:
        st.session_state[key] = wanted if wanted in periods else periods[0]
    choice = where.selectbox(
        t("Period", "Period"), periods, key=key, format_func=lambda p: fmt_period(p, lang=lang())
    )
    if choice == periods[0] and wanted is None:
        st.query_params.pop(key, None)  # latest: keep the link "always newest"
    else:
        _sync(key, choice)
    return choice


def select_districts(
    *, where=st.sidebar, key: str = "areas", default: list[str] | None = None
) -> list[str]:
    a = areas()
    districts = a[a["level"] == "district"].sort_values("sort_order")
    codes = districts["code"].tolist()
    names = dict(zip(districts["code"], districts["name"], strict=True))
    wanted = [c for c in (_query(key) or "").split(",") if c in codes]
    if key not in st.session_state:
        st.session_state[key] = wanted or default or focus_districts()
    choice = where.multiselect(t("Områden", "Districts"), codes, key=key, format_func=names.get)
    _sync(key, choice)
    return choice


# ---------------------------------------------------------------- tables


VERDICT_SYMBOL = {
    "higher_worse": "▲",
    "lower_worse": "▼",
    "higher_better": "▲",
    "lower_better": "▼",
    "higher": "▲",
    "lower": "▼",
    "similar": "●",
    "not_compared": "",
    "benchmark": "",
}


def verdict_text(code) -> str:
    from indicators.stats import VERDICT_LABELS

    if code is None or (isinstance(code, float) and pd.isna(code)):
        return "–"
    if code == "benchmark":
        return t("Jämförelsevärde", "Benchmark")
    label = VERDICT_LABELS.get(code, {"sv": code, "en": code})
    return f"{VERDICT_SYMBOL.get(code, '')} {label[lang()]}".strip()


def trend_text(code) -> str:
    from indicators.trend import TREND_LABELS

    if not isinstance(code, str):
        return "–"
    return TREND_LABELS.get(code, {"sv": code, "en": code})[lang()]


def display_table(frame: pd.DataFrame, ind: pd.Series) -> pd.DataFrame:
    """Values formatted the Swedish way; suppressed cells as '–' with their reason."""
    lg = lang()
    out = pd.DataFrame(
        {
            t("Område", "Area"): frame["area_name"],
            t("Värde", "Value"): [
                fmt_value(v, kind=ind["kind"], multiplier=ind["multiplier"], lang=lg)
                for v in frame["value"]
            ],
            t("95 % KI", "95% CI"): [
                fmt_interval(lo, hi, kind=ind["kind"], multiplier=ind["multiplier"], lang=lg)
                for lo, hi in zip(frame["lower"], frame["upper"], strict=True)
            ],
            t("Täljare", "Numerator"): [
                fmt_number(v, decimals=0, lang=lg) for v in frame["numerator"]
            ],
            t("Nämnare", "Denominator"): [
                fmt_number(v, decimals=0, lang=lg) for v in frame["denominator"]
            ],
            t("Jämfört med Umeå", "Compared with Umeå"): [
                verdict_text(v) for v in frame["verdict"]
            ],
            t("Trend", "Trend"): [trend_text(v) for v in frame["trend"]],
            t("Anmärkning", "Note"): [r if isinstance(r, str) else "" for r in frame["reason"]],
        }
    )
    return out


def download_buttons(
    frame: pd.DataFrame, ind: pd.Series, *, stem: str, key: str, geojson: bool = False
) -> None:
    """CSV (Swedish Excel), Excel and, for map data, GeoJSON — all already suppressed."""
    from indicators.export import to_csv_bytes, to_excel_bytes

    cols = st.columns(3, gap="small")
    cols[0].download_button(
        "⬇ CSV",
        to_csv_bytes(frame, indicator=ind.to_dict()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click=_audit_export,
        args=(f"{stem}.csv",),
    )
    cols[1].download_button(
        "⬇ Excel",
        to_excel_bytes(frame, indicator=ind.to_dict()),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        on_click=_audit_export,
        args=(f"{stem}.xlsx",),
    )
    if geojson:
        from indicators.export import to_geojson_bytes

        cols[2].download_button(
            "⬇ GeoJSON",
            to_geojson_bytes(frame, _map_polygons()),
            file_name=f"{stem}.geojson",
            mime="application/geo+json",
            key=f"{key}-geojson",
            on_click=_audit_export,
            args=(f"{stem}.geojson",),
        )


@st.cache_data(show_spinner=False)
def _map_polygons():
    from geo.boundaries import district_polygons, municipality_polygon

    return pd.concat(
        [municipality_polygon(crs=4326), district_polygons(crs=4326)], ignore_index=True
    )


@st.cache_data(show_spinner=False)
def _interventions(version: int, url: str) -> pd.DataFrame:
    from store.events import read_interventions

    return read_interventions(_store(url))


def interventions(districts: list[str]) -> pd.DataFrame:
    from common.settings import database_url

    frame = _interventions(data_version(), database_url())
    mask = frame["districts"].apply(lambda ds: bool(set(ds) & set(districts)))
    return frame[mask]


def municipality_code() -> str:
    a = areas()
    return a.loc[a["level"] == "municipality", "code"].iloc[0]


@st.cache_resource(show_spinner=False)
def catalogue():
    from indicators.catalogue import load_catalogue

    return load_catalogue()


@st.cache_data(show_spinner=False, max_entries=16)
def _composite(version: int, url: str, period: str) -> pd.DataFrame:
    from indicators.composite_view import district_composites

    # District composites are public (district level), so the least role's values suffice.
    return district_composites(_all_values(version, url, "publik"), catalogue(), period=period)


def composite_ranks(period: str) -> pd.DataFrame:
    from common.settings import database_url

    return _composite(data_version(), database_url(), period)


def change_text(c: pd.Series) -> str:
    """One line for a significant change: district, indicator, higher/lower, better/worse."""
    cat = catalogue_frame()
    ind = cat.loc[c["indicator_id"]]
    word = t("högre", "higher") if c["direction_word"] == "higher" else t("lägre", "lower")
    judged = (
        ""
        if c["better"] is None
        else (t(" (bättre)", " (better)") if c["better"] else t(" (sämre)", " (worse)"))
    )
    prev = fmt_value(c["previous"], kind=ind["kind"], multiplier=ind["multiplier"], lang=lang())
    cur = fmt_value(c["current"], kind=ind["kind"], multiplier=ind["multiplier"], lang=lang())
    return (
        f"{escape_markdown(c['area_name'])}: {indicator_name(ind)} {word}{judged}, {prev} → {cur}"
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@=&])")


def escape_markdown(text) -> str:
    """A string from data, made inert for st.markdown/st.caption: every character Markdown
    (links, autolinks, emphasis, HTML, math, emoji codes) would act on is backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


TARTAN_COLOURS = {
    "higher_worse": "#f4a582",
    "lower_worse": "#f4a582",
    "higher_better": "#92c5de",
    "lower_better": "#92c5de",
    "similar": "#f7f7f7",
    "higher": "#d9d9d9",
    "lower": "#d9d9d9",
}


def tartan(v: pd.DataFrame, period: str):
    """Indicator × focus district (plus Umeå) grid, each cell value + verdict symbol, coloured."""
    cat = catalogue_frame()
    codes = [municipality_code(), *focus_districts()]
    part = v[(v["period"] == period) & v["area_code"].isin(codes)]
    names = dict(zip(part["area_code"], part["area_name"], strict=True))
    text = {}
    colour = {}
    for _, r in part.iterrows():
        ind = cat.loc[r["indicator_id"]]
        key = (indicator_name(ind), names[r["area_code"]])
        if r["suppressed"]:
            text[key] = "–"
        else:
            sym = VERDICT_SYMBOL.get(r["verdict"], "") if isinstance(r["verdict"], str) else ""
            text[key] = (
                f"{fmt_value(r['value'], kind=ind['kind'], multiplier=ind['multiplier'], lang=lang())} {sym}".strip()
            )
        colour[key] = (
            TARTAN_COLOURS.get(r["verdict"], "#ffffff")
            if isinstance(r["verdict"], str)
            else "#ffffff"
        )
    rows = [indicator_name(cat.loc[i]) for i in cat["id"]]
    cols = [names[c] for c in codes if c in names]
    grid = pd.DataFrame(
        [[text.get((r, c), "") for c in cols] for r in rows], index=rows, columns=cols
    )
    styles = pd.DataFrame(
        [
            [f"background-color: {colour.get((r, c), '#ffffff')}; color: #111" for c in cols]
            for r in rows
        ],
        index=rows,
        columns=cols,
    )
    return grid.style.apply(lambda _: styles, axis=None)


def user_name() -> str:
    """Who is acting (signed-in user, or the demo role)."""
    return st.session_state.get("user_name") or st.session_state.get("role", "demo")


def batches() -> pd.DataFrame:
    from access.reads import batches as read_batches

    b = read_batches(store(), session_role())
    cols = {
        "id": "Id",
        "source": t("Källa", "Source"),
        "kind": t("Typ", "Kind"),
        "file_name": t("Fil", "File"),
        "user_name": t("Vem", "Who"),
        "created_at": t("När", "When"),
        "rows_loaded": t("Rader", "Rows"),
        "rows_replaced": t("Ersatta", "Replaced"),
        "status": "Status",
        "message": t("Meddelande", "Message"),
        "synthetic": t("Syntetisk", "Synthetic"),
    }
    return b[list(cols)].rename(columns=cols)


def freshness_table() -> pd.DataFrame:
    from store.observations import freshness

    f = freshness(store())
    return f.rename(
        columns={
            "source": t("Källa", "Source"),
            "last_period": t("Senaste period", "Last period"),
            "last_import": t("Senaste import", "Last import"),
            "rows": t("Rader", "Rows"),
        }
    )


def brief_download(period: str, *, key: str) -> None:
    """One click makes the council brief (PDF) for the period and the chosen focus districts."""
    from reports.brief import build_brief

    if st.button(t("Skapa rådsunderlag (PDF)", "Make the council brief (PDF)"), key=f"{key}-make"):
        import tempfile
        from pathlib import Path

        with (
            st.spinner(t("Skapar rådsunderlaget …", "Making the brief …")),
            tempfile.TemporaryDirectory() as tmp,
        ):
            out = build_brief(
                store(),
                period=period,
                districts=focus_districts(),
                out=Path(tmp) / f"radsunderlag_{period}.pdf",
            )
            st.session_state[f"{key}-pdf"] = out.read_bytes()
        _audit_export(f"radsunderlag_{period}.pdf")
    if st.session_state.get(f"{key}-pdf"):
        st.download_button(
            t("⬇ Ladda ned rådsunderlaget", "⬇ Download the brief"),
            st.session_state[f"{key}-pdf"],
            file_name=f"radsunderlag_{period}.pdf",
            mime="application/pdf",
            key=f"{key}-pdf-dl",
        )


def _audit_export(detail: str) -> None:
    from store.db import audit

    with store().engine.begin() as conn:
        audit(conn, user=user_name(), action="export", detail=detail)


# ---------------------------------------------------------------- EST


def fmt_num(x, *, decimals: int = 1) -> str:
    """A number in the session's language."""
    return fmt_number(x, decimals=decimals, lang=lang())


@st.cache_data(show_spinner=False, max_entries=4)
def _est_span(version: int, url: str):
    from store.est import incident_week_span

    return incident_week_span(_store(url))


def est_controls() -> tuple[str, int, bool]:
    """Week (default: last complete week with data), previous-weeks layer, activities layer."""
    from datetime import date

    from common.fmt import fmt_week
    from common.settings import database_url
    from indicators import est

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
    _sync("week", week)
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
    from access.reads import est_week as read_est_week

    return read_est_week(_store(url), role, week, previous_weeks=prev)


def est_week(week: str, prev: int) -> dict:
    """The week as the session's role may see it: cells for est/admin, district totals otherwise."""
    from common.settings import database_url

    return _est_week(
        data_version(), database_url(), week, prev, st.session_state.get("app_role", "publik")
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _est_hot(version: int, url: str, week: str, role: str) -> pd.DataFrame:
    from indicators import est

    cells = _est_week(version, url, week, 8, role)["cells"]
    # with 8 previous weeks, count_previous is the 8-week baseline hotspot_cells asks for
    cells = cells.assign(count_baseline=cells["count_previous"])
    return est.hotspots(
        est.hotspot_cells({"cells": cells}), permutations=est.DETECTION_PERMUTATIONS
    )


def est_hotspots(week: str) -> pd.DataFrame:
    from common.settings import database_url

    return _est_hot(
        data_version(), database_url(), week, st.session_state.get("app_role", "publik")
    )


def est_map(
    cells: pd.DataFrame, hot: pd.DataFrame, activities: pd.DataFrame | None, *, prev_n: int
) -> None:
    """Cells coloured by this week's count (outlined when a Gi* hotspot), districts on top."""
    from geo.boundaries import district_polygons
    from geo.layers import boundary_layer, deck, grid_layer, label_layer, urban_view_state

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
    """Single-incident/activity entry (est role) and the weekly brief (PDF)."""
    from datetime import datetime

    from sources.est import (
        ACTIVITY_KINDS,
        INCIDENT_TYPES,
        ORGANISERS,
        PARTNERS,
        add_activity,
        add_incident,
    )

    c1, c2, c3 = st.columns(3)
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
                st.error(str(exc))
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
                    starts_at=when,
                    kind=kind,
                    status=status,
                    organiser=organiser,
                    district=district,
                    user=user_name(),
                )
                st.success(t("Sparad.", "Saved."))
            except UserError as exc:
                st.error(str(exc))
    with c3:
        if st.button(t("Skapa veckobrev (PDF)", "Make the weekly brief (PDF)"), key="est-brief"):
            import tempfile
            from pathlib import Path

            from reports.est_week import build_est_week_pdf

            with tempfile.TemporaryDirectory() as tmp:
                out = build_est_week_pdf(store(), week, out=Path(tmp) / f"veckobrev_{week}.pdf")
                st.session_state["est-pdf"] = out.read_bytes()
            _audit_export(f"veckobrev_{week}.pdf")
        if st.session_state.get("est-pdf"):
            st.download_button(
                t("⬇ Ladda ned veckobrevet", "⬇ Download the weekly brief"),
                st.session_state["est-pdf"],
                file_name=f"veckobrev_{week}.pdf",
                mime="application/pdf",
                key="est-pdf-dl",
            )


# ---------------------------------------------------------------- entry guard


def page_guard(page_id: str) -> None:
    """First line of every page: run only through dashboard.py's navigation, and only for a role
    that may open it.

    Streamlit still knows the legacy ``pages/`` folder: on a fresh server the first deep link
    (e.g. /trender) can run a page script directly, without the entry script (MPA v1
    fallback). Then nothing of dashboard.py ran — no role, no banner — so send the visitor
    through the entry script and on to the page it asked for.
    """
    from access import may_open

    if not st.session_state.get("_entry_seen", False):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False  # from now on every run starts in dashboard.py
        st.session_state["_deep_link"] = page_id
        st.switch_page("dashboard.py", query_params=st.query_params.to_dict())
    role = st.session_state.get("app_role", "publik")
    if not may_open(role, page_id):
        st.error(
            t(
                "Din roll har inte behörighet till den här sidan.",
                "Your role may not open this page.",
            )
        )
        st.stop()


def indicator_view() -> tuple[str, pd.Series, str, pd.DataFrame]:
    """The shared sidebar choice of indicator and year, and that year's published rows."""
    ind_id = select_indicator()
    ind = catalogue_frame().loc[ind_id]
    period = select_period(ind_id)
    v = values()
    return ind_id, ind, period, v[(v["indicator_id"] == ind_id) & (v["period"] == period)]
