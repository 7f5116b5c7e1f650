"""Downloads (CSV, Excel, GeoJSON, the council brief PDF), each one written to the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from access import may
from access.reads import produce, record_export
from access.reads import provenance as read_provenance
from catalogue import Indicator
from geo.boundaries import district_polygons, has_boundaries, municipality_polygon
from indicators.export import to_csv_bytes, to_excel_bytes, to_geojson_bytes
from reports.brief import build_brief
from ui.i18n import t
from ui.reads import focus_districts, level, session_role, store, user_name


def provenance_lines(indicator_source: str) -> list[str]:
    """One line per loaded batch whose publisher the indicator names as its source (e.g. SCB
    for the RegSO context measures): table, reference, retrieval date, licence."""
    p = read_provenance(store(), session_role())
    lines = []
    for row in p.itertuples():
        if row.source and row.source.casefold() in indicator_source.casefold():
            lines.append(
                f"{row.source}: {row.source_table}; {row.source_ref}; hämtad {row.retrieved_on}; "
                f"licens {row.licence} (import {row.id})"
            )
    return lines


def download_buttons(
    frame: pd.DataFrame, ind: Indicator, *, stem: str, key: str, geojson: bool = False
) -> None:
    """CSV (Swedish Excel), Excel and, for map data, GeoJSON — all already suppressed."""
    provenance = provenance_lines(ind.source)
    cols = st.columns(3, gap="small")
    cols[0].download_button(
        "⬇ CSV",
        to_csv_bytes(frame, indicator=ind, provenance=provenance, level=level()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click=audit_export,
        args=(f"{stem}.csv",),
    )
    cols[1].download_button(
        "⬇ Excel",
        to_excel_bytes(frame, indicator=ind, provenance=provenance, level=level()),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        on_click=audit_export,
        args=(f"{stem}.xlsx",),
    )
    if geojson and has_boundaries():
        cols[2].download_button(
            "⬇ GeoJSON",
            to_geojson_bytes(frame, _map_polygons()),
            file_name=f"{stem}.geojson",
            mime="application/geo+json",
            key=f"{key}-geojson",
            on_click=audit_export,
            args=(f"{stem}.geojson",),
        )


@st.cache_data(show_spinner=False)
def _map_polygons():
    return pd.concat(
        [municipality_polygon(crs=4326), district_polygons(crs=4326)], ignore_index=True
    )


def brief_download(period: str, *, key: str) -> None:
    """One click makes the council brief (PDF) for the period and the chosen focus districts;
    only for a role with the ``brief`` capability (checked again in access.reads.produce)."""
    role = session_role()
    if not may(role, "brief"):
        return
    if st.button(t("Skapa rådsunderlag (PDF)", "Make the council brief (PDF)"), key=f"{key}-make"):

        def make() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                out = build_brief(
                    store(),
                    period=period,
                    districts=focus_districts(),
                    role=role,
                    out=Path(tmp) / f"radsunderlag_{period}.pdf",
                    level=level(),
                )
                return out.read_bytes()

        with st.spinner(t("Skapar rådsunderlaget …", "Making the brief …")):
            st.session_state[f"{key}-pdf"] = produce(
                store(), role, "brief", make, user=user_name(), what=f"radsunderlag_{period}.pdf"
            )
    if st.session_state.get(f"{key}-pdf"):
        st.download_button(
            t("⬇ Ladda ned rådsunderlaget", "⬇ Download the brief"),
            st.session_state[f"{key}-pdf"],
            file_name=f"radsunderlag_{period}.pdf",
            mime="application/pdf",
            key=f"{key}-pdf-dl",
        )


def audit_export(detail: str) -> None:
    """One audit row per download: who took which file (access.reads.record_export checks the
    role's ``export`` capability)."""
    record_export(store(), session_role(), user=user_name(), what=detail)
