"""Sidebar selectors kept in step with the URL, so every view is a link."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalogue import Indicator
from common.fmt import fmt_period
from common.periods import is_year
from ui.i18n import indicator_name, lang, t
from ui.reads import areas, catalogue, derived, focus_districts, values


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
