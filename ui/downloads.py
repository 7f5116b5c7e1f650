"""Downloads (CSV, Excel, GeoJSON, the council brief PDF), each one written to the audit log."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
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


def provenance_lines(indicator_source: str, *, db=None, role: str | None = None) -> list[str]:
    """One line per loaded batch whose publisher the indicator names as its source (e.g. SCB
    for the RegSO context measures): table, reference, retrieval date, licence.

    ``db`` and ``role`` default to the session's; a deferred download passes them in, as it
    runs outside the session's script thread."""
    p = read_provenance(db or store(), role or session_role())
    lines = []
    for row in p.itertuples():
        if row.source and row.source.casefold() in indicator_source.casefold():
            lines.append(
                f"{row.source}: {row.source_table}; {row.source_ref}; hämtad {row.retrieved_on}; "
                f"licens {row.licence} (import {row.id})"
            )
    return lines


def deferred_export(
    build: Callable[[], bytes], *, db, role: str, user: str, what: str
) -> Callable[[], bytes]:
    """The file of a download made only when it is fetched (Streamlit runs the callable on
    click, in its own thread), with the capability check and the audit row at that moment:
    a role without ``export`` gets no bytes, and every fetched file leaves one audit line
    (access.reads.produce). Nothing here touches the session, so it is safe off the script
    thread.

    Examples
    --------
    >>> from store import Store
    >>> from access.reads import audit_entries
    >>> s = Store("sqlite://"); s.migrate()
    >>> make = deferred_export(lambda: b"a;b", db=s, role="publik", user="anonym", what="x.csv")
    >>> audit_entries(s, "admin").empty
    True
    >>> make(), audit_entries(s, "admin")["detail"].iloc[0]
    (b'a;b', 'x.csv (roll publik)')
    """

    def make() -> bytes:
        return produce(db, role, "export", build, user=user, what=what)

    return make


def download_buttons(
    frame: pd.DataFrame, ind: Indicator, *, stem: str, key: str, geojson: bool = False
) -> None:
    """CSV (Swedish Excel), Excel and, for map data, GeoJSON — all already suppressed.

    The files are built only when a button is clicked (issue 17: a rerun builds none of
    them); defusing formulas stays in indicators.export, the capability check and the audit
    row in :func:`deferred_export`. A role that may not export sees no buttons."""
    role = session_role()
    if not may(role, "export"):
        return
    db, user = store(), user_name()
    source = ind.source
    chosen = level()  # read on the script thread; the files name it in their header

    def lines() -> list[str]:
        return provenance_lines(source, db=db, role=role)

    def button(col, label: str, ext: str, mime: str, build: Callable[[], bytes]) -> None:
        col.download_button(
            label,
            deferred_export(build, db=db, role=role, user=user, what=f"{stem}.{ext}"),
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"{key}-{ext}",
            on_click="ignore",  # the audit row is written when the file is made
        )

    cols = st.columns(3, gap="small")
    button(
        cols[0],
        "⬇ CSV",
        "csv",
        "text/csv",
        lambda: to_csv_bytes(frame, indicator=ind, provenance=lines(), level=chosen),
    )
    button(
        cols[1],
        "⬇ Excel",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda: to_excel_bytes(frame, indicator=ind, provenance=lines(), level=chosen),
    )
    if geojson and has_boundaries():
        polygons = _map_polygons()  # cached; read on the script thread
        button(
            cols[2],
            "⬇ GeoJSON",
            "geojson",
            "application/geo+json",
            lambda: to_geojson_bytes(frame, polygons),
        )


@st.cache_resource(show_spinner=False)
def _map_polygons():
    # One shared frame (read-only here): no copy per rerun.
    return pd.concat(
        [municipality_polygon(crs=4326), district_polygons(crs=4326)], ignore_index=True
    )


def brief_download(period: str, *, key: str) -> None:
    """One click makes the council brief (PDF) for the period and the chosen focus districts;
    only for a role with the ``brief`` capability (checked again in access.reads.produce)."""
    role = session_role()
    if not may(role, "brief"):
        return
    chosen = level()
    if st.button(t("Skapa rådsunderlag (PDF)", "Make the council brief (PDF)"), key=f"{key}-make"):

        def make() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                out = build_brief(
                    store(),
                    period=period,
                    districts=focus_districts(),
                    role=role,
                    out=Path(tmp) / f"radsunderlag_{period}.pdf",
                    level=chosen,
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
