"""What the pages share, one short module per concern; pages call ``ui.<name>``.

* :mod:`ui.i18n` — language, translation, inert Markdown
* :mod:`ui.reads` — the store handle and cached reads (through :mod:`access`)
* :mod:`ui.widgets` — selectors synced with the URL
* :mod:`ui.widget_text` — Streamlit's own English widget texts in Swedish
* :mod:`ui.tables` — indicator table, overview grid, change lines
* :mod:`ui.downloads` — CSV/Excel/GeoJSON/brief downloads, each audited
* :mod:`ui.est_view` — the EST page's pieces
* :mod:`ui.guard` — the page guard and the one Streamlit ``pages/`` patch
* :mod:`ui.auth` — who is using the app and in which role
* :mod:`ui.safe` — tables defused against formulas, user text shown as text
* :mod:`ui.charts`, :mod:`ui.maps` — Plotly figures and pydeck maps

The names below are re-exported so a page reads ``ui.t(...)``, ``ui.values()``; each is
defined once, in the module named beside it.
"""

from ui.downloads import audit_export, brief_download, download_buttons
from ui.est_view import (
    est_controls,
    est_forms_and_brief,
    est_hotspot_list,
    est_hotspots,
    est_label,
    est_map,
    est_public,
    est_week,
    est_weekday_hour,
    est_word,
    excess_caveat,
    hotspot_caveat,
)
from ui.guard import leave_legacy_pages_mode, page_guard
from ui.i18n import escape_markdown, fmt_num, indicator_name, indicator_unit, lang, t
from ui.reads import (
    areas,
    batch_label,
    batches,
    catalogue,
    composite_ranks,
    data_version,
    derived,
    focus_districts,
    forget_run_memo,
    freshness_table,
    has_public_data,
    interventions,
    is_demo,
    level,
    level_label,
    municipality_code,
    provenance_table,
    raw_batches,
    session_role,
    store,
    synthetic_left,
    user_name,
    values,
    values_with_sweden,
)
from ui.safe import dataframe, defuse_frame, error
from ui.tables import (
    TARTAN_COLOURS,
    VERDICT_HELP,
    VERDICT_SYMBOL,
    change_text,
    ci_heading,
    column_config,
    display_table,
    partial_benchmark_note,
    show_table,
    since_meeting_section,
    statistics_notes,
    tartan,
    trend_text,
    verdict_help,
    verdict_text,
)
from ui.widget_text import swedish_file_uploader
from ui.widgets import (
    available_periods,
    indicator_view,
    select_districts,
    select_indicator,
    select_level,
    select_period,
)

__all__ = [
    "TARTAN_COLOURS",
    "VERDICT_HELP",
    "VERDICT_SYMBOL",
    "areas",
    "audit_export",
    "available_periods",
    "batch_label",
    "batches",
    "brief_download",
    "catalogue",
    "dataframe",
    "defuse_frame",
    "error",
    "change_text",
    "ci_heading",
    "composite_ranks",
    "data_version",
    "column_config",
    "display_table",
    "partial_benchmark_note",
    "show_table",
    "since_meeting_section",
    "download_buttons",
    "escape_markdown",
    "est_controls",
    "est_forms_and_brief",
    "est_hotspot_list",
    "est_hotspots",
    "est_label",
    "est_map",
    "est_public",
    "est_week",
    "est_weekday_hour",
    "est_word",
    "swedish_file_uploader",
    "excess_caveat",
    "fmt_num",
    "focus_districts",
    "forget_run_memo",
    "hotspot_caveat",
    "freshness_table",
    "has_public_data",
    "indicator_name",
    "indicator_unit",
    "indicator_view",
    "interventions",
    "is_demo",
    "synthetic_left",
    "level",
    "level_label",
    "lang",
    "leave_legacy_pages_mode",
    "municipality_code",
    "page_guard",
    "provenance_table",
    "select_districts",
    "select_indicator",
    "select_level",
    "select_period",
    "raw_batches",
    "session_role",
    "store",
    "t",
    "statistics_notes",
    "tartan",
    "trend_text",
    "user_name",
    "values",
    "values_with_sweden",
    "verdict_help",
    "verdict_text",
    "derived",
]
