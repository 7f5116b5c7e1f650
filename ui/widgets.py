"""Sidebar selectors kept in step with the URL, so every view is a link."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalogue import Indicator
from common.errors import UserError
from common.fmt import fmt_period
from common.periods import is_year
from geo import PLACE
from indicators.levels import DEFAULT_LEVEL, LEVELS, level_text, parse_level
from ui.i18n import indicator_name, lang, t
from ui.reads import (
    CHOSEN_LEVEL_KEY,
    LEVEL_KEY,
    areas,
    catalogue,
    derived,
    focus_districts,
    values,
)


def query(key: str, default=None):
    """The URL query parameter ``key``, or ``default``."""
    return st.query_params.get(key, default)


def sync(key: str, value) -> None:
    """Write a widget's choice back into the URL (lists comma-separated, None removes it)."""
    if isinstance(value, list):
        st.query_params[key] = ",".join(value)
    elif value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def select_indicator(*, where=st.sidebar, key: str = "ind") -> str:
    cat = catalogue()
    ids = list(cat)
    wanted = query(key)
    if key not in st.session_state:
        st.session_state[key] = wanted if wanted in ids else ids[0]
    choice = where.selectbox(
        t("Indikator", "Indicator"), ids, key=key, format_func=lambda i: indicator_name(cat[i])
    )
    sync(key, choice)
    return choice


def _remember_level() -> None:
    st.session_state[CHOSEN_LEVEL_KEY] = st.session_state[LEVEL_KEY]


def select_level(*, where=st.sidebar) -> str:
    """The confidence level of every interval and verdict: 95 % or Fingertips' 99,8 %,
    kept in the URL (``?niva=99.8``; none means 95 %) and across pages (``ui.page_guard``
    draws it on every page)."""
    keys = list(LEVELS)
    if CHOSEN_LEVEL_KEY not in st.session_state:  # a session's first page: the link decides
        try:
            st.session_state[CHOSEN_LEVEL_KEY] = parse_level(query(LEVEL_KEY, DEFAULT_LEVEL))
        except UserError:
            st.session_state[CHOSEN_LEVEL_KEY] = DEFAULT_LEVEL
    # The widget's own state is dropped on a page switch: set it from the session's choice.
    st.session_state[LEVEL_KEY] = st.session_state[CHOSEN_LEVEL_KEY]
    choice = where.radio(
        t("Konfidensnivå", "Confidence level"),
        keys,
        key=LEVEL_KEY,
        horizontal=True,
        format_func=lambda k: level_text(k, lang=lang()),
        help=t(
            f"Intervall och jämförelser med {PLACE.name} på alla sidor, i export och i underlaget. "
            "99,8 % (Fingertips andra nivå) ger färre skillnader av slump: ungefär var "
            "femhundrade i stället för var tjugonde jämförelse utan verklig skillnad.",
            f"Intervals and comparisons with {PLACE.name} on every page, in exports and in the brief. "
            "99.8% (Fingertips' second level) gives fewer chance differences: about one in "
            "five hundred comparisons without a real difference instead of one in twenty.",
        ),
        on_change=_remember_level,
    )
    sync(LEVEL_KEY, None if choice == DEFAULT_LEVEL else choice)
    return choice


def available_periods(indicator_id: str) -> list[str]:
    def build() -> list[str]:
        v = values()
        periods = v.loc[v["indicator_id"] == indicator_id, "period"].unique().tolist()
        return sorted((p for p in periods if is_year(p)), reverse=True)

    return list(derived("periods", build, indicator_id))


def select_period(indicator_id: str, *, where=st.sidebar, key: str = "period") -> str:
    """Years, newest first; a link without a period always means the latest data."""
    periods = available_periods(indicator_id)
    if not periods:
        st.warning(t("Inga värden för indikatorn ännu.", "No values for this indicator yet."))
        st.stop()
    wanted = query(key)
    if st.session_state.get(key) not in periods:
        st.session_state[key] = wanted if wanted in periods else periods[0]
    choice = where.selectbox(
        t("Period", "Period"), periods, key=key, format_func=lambda p: fmt_period(p, lang=lang())
    )
    if choice == periods[0] and wanted is None:
        st.query_params.pop(key, None)  # latest: keep the link "always newest"
    else:
        sync(key, choice)
    return choice


def select_districts(
    *, where=st.sidebar, key: str = "areas", default: list[str] | None = None
) -> list[str]:
    a = areas()
    districts = a[a["level"] == "district"].sort_values("sort_order")
    codes = districts["code"].tolist()
    names = dict(zip(districts["code"], districts["name"], strict=True))
    wanted = [c for c in (query(key) or "").split(",") if c in codes]
    if key not in st.session_state:
        st.session_state[key] = wanted or default or focus_districts()
    choice = where.multiselect(
        t("Områden", "Districts"),
        codes,
        key=key,
        format_func=names.get,
        placeholder=t("Välj områden", "Choose districts"),
    )
    sync(key, choice)
    return choice


def indicator_view() -> tuple[str, Indicator, str, pd.DataFrame]:
    """The shared sidebar choice of indicator and year, and that year's published rows."""
    ind_id = select_indicator()
    ind = catalogue()[ind_id]
    period = select_period(ind_id)

    def build() -> pd.DataFrame:
        v = values()
        return v[(v["indicator_id"] == ind_id) & (v["period"] == period)]

    return ind_id, ind, period, derived("view", build, ind_id, period)
