"""The store handle and every read the pages make, cached until the next import.

Each cached frame is keyed on the store's data version (bumped by every import) and, where
the rows depend on it, on the session's role: each role's frame holds only what it may see.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access.app import freshness, has_real_data, open_store
from access.app import interventions as read_interventions
from access.reads import batches as read_batches
from access.reads import composite_ranks as read_composite_ranks
from access.reads import indicator_values, shipped_public_data, synthetic_rows_left
from access.reads import provenance as read_provenance
from access.reads import values_version as published_version
from catalogue import Indicator, load_catalogue
from common.errors import UserError
from common.fmt import fmt_int
from common.personal_numbers import mask
from common.settings import database_url
from geo.areas import read_areas
from indicators.levels import DEFAULT_LEVEL, LEVELS, at_level, level_text
from indicators.national import with_sweden
from ui.i18n import lang, t

_log = logging.getLogger("uvts")
#: What a visitor sees when the database cannot be reached: no URL, host or driver text.
DATABASE_DOWN = (
    "Databasen kan inte nås just nu. Försök igen om en stund; kvarstår felet, kontakta "
    "systemförvaltaren (orsaken finns i serverns logg).",
    "The database cannot be reached right now. Try again shortly; if it persists, contact "
    "the system administrator (the reason is in the server log).",
)


@st.cache_resource(show_spinner=False)
def store_at(url: str | None):
    """The one Store per database URL of this server process."""
    return open_store(url)


def run_memo() -> dict:
    """A dict that lives for one script run of this session: empty again at every rerun
    (fragment reruns included), so what is kept in it is never older than the run.

    Streamlit gives every run of a session's script a fresh ``cursors`` dict on the session's
    run context (``ScriptRunContext.reset``); the memo is tied to that object (held, so its
    identity cannot be reused). Outside a script run (bare mode) it is a new dict per call:
    nothing is kept. docs/published.md "One version lookup per rerun".
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    run = getattr(ctx, "cursors", None)
    if run is None:
        return {}
    held = getattr(ctx, "_uvts_run_memo", None)
    if held is None or held[0] is not run:
        held = (run, {})
        ctx._uvts_run_memo = held
    return held[1]


def forget_run_memo() -> None:
    """Drop what this run has memoised (after this process itself imports or rolls back, so
    the rest of the run reads the new version)."""
    run_memo().clear()


def store():
    """The shared store; a readable message and a stop if it cannot be reached (checked once
    per script run: every later call in the run gets the same handle without a query)."""
    memo = run_memo()
    url = database_url()
    if memo.get("store_checked") == url:
        return store_at(url)
    try:
        s = store_at(url)
        s.check()
        memo["store_checked"] = url
        return s
    except UserError as exc:
        store_at.clear()
        # The reason (host, database, driver text) goes to the server log only; a visitor
        # never sees a connection string (docs/privacy.md "Production settings").
        _log.error("database unreachable: %s", mask(str(exc), all_long=True))
        st.error(DATABASE_DOWN[0] if lang() == "sv" else DATABASE_DOWN[1])
        st.info(t("Sidan försöker igen när du laddar om.", "Reload the page to try again."))
        st.stop()


def data_version() -> int:
    try:
        return store().data_version()
    except Exception as exc:  # noqa: BLE001 - the database went away mid-session
        store_at.clear()
        run_memo().clear()
        _log.error("database does not answer: %s", mask(str(exc), all_long=True))
        st.error(DATABASE_DOWN[0] if lang() == "sv" else DATABASE_DOWN[1])
        st.stop()


def values_version() -> int:
    """The published version pages read (issue 17): changes once a rebuild is complete,
    the same on every app process on this database. Looked up once per script run (the
    pages ask for it several times per rerun); the next rerun looks again, so a new version
    written by any process is what the next rerun shows."""
    memo = run_memo()
    key = ("values_version", database_url())
    if key in memo:
        return memo[key]
    try:
        memo[key] = published_version(store())
        return memo[key]
    except Exception as exc:  # noqa: BLE001 - the database went away mid-session
        store_at.clear()
        run_memo().clear()
        st.error(t(f"Databasen svarar inte: {exc}", f"The database does not answer: {exc}"))
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=16)
def all_values(version: int, url: str, role: str) -> pd.DataFrame:
    # The role is part of the cache key: each role's frame holds only what it may see.
    # One shared frame per key (no pickled copy per rerun, issue 17); readers get views,
    # and pandas' copy-on-write keeps a reader's edit out of the shared frame.
    return indicator_values(store_at(url), role)


@st.cache_resource(show_spinner=False, max_entries=256)
def _derived(name: str, version: int, url: str, role: str, choices: tuple, _build):
    return _build()


def derived(name: str, build, *choices):
    """``build()`` once per (published version, database, role, ``name``, ``choices``),
    shared by every session (issue 17: a rerun recomputes nothing it has seen).

    ``build`` must be a pure function of the published values the role sees and of
    ``choices`` (which must name everything else it depends on, the language included).
    A frame comes back as a shallow copy: with pandas' copy-on-write a caller's edit never
    reaches the shared one.
    """
    # The confidence level is part of every key: values() reads at the chosen level.
    key = (*choices, level())
    out = _derived(name, values_version(), database_url(), session_role(), key, build)
    return out.copy(deep=False) if isinstance(out, pd.DataFrame) else out


def session_role() -> str:
    """The role of this session (set by ui.auth.current_role); 'publik' until then."""
    return st.session_state.get("app_role", "publik")


#: Session/URL key of the confidence level chosen in the sidebar (ui.widgets.select_level).
LEVEL_KEY = "niva"
#: The same choice outside the widget's state, which Streamlit drops on a page switch.
CHOSEN_LEVEL_KEY = "_niva"


def level() -> str:
    """The confidence level this session reads at: "95" or "99.8" (issue 16)."""
    chosen = st.session_state.get(LEVEL_KEY, st.session_state.get(CHOSEN_LEVEL_KEY))
    return chosen if chosen in LEVELS else DEFAULT_LEVEL


def level_label() -> str:
    """The chosen level as readers write it: "95 %" / "99,8 %" ("99.8%" in English)."""
    return level_text(level(), lang=lang())


def values(*, levels=("municipality", "district")) -> pd.DataFrame:
    """Every published indicator value (suppressed) the session's role may see, cached until
    the next import, with interval and verdict at the chosen confidence level."""
    frame = all_values(values_version(), database_url(), session_role())
    return at_level(frame[frame["area_level"].isin(levels)], level=level())


def values_with_sweden(
    *, indicator_id: str | None = None, period: str | None = None
) -> pd.DataFrame:
    """Published values of Sweden, the municipality and the districts, each with Sweden's value
    and the verdict against it (``indicators.national.with_sweden``), optionally only those of
    one indicator and/or period; computed once per published version and role."""

    def build() -> pd.DataFrame:
        frame = derived(
            "with_sweden",
            lambda: with_sweden(
                values(levels=("country", "municipality", "district")), catalogue()
            ),
        )
        if indicator_id is not None:
            frame = frame[frame["indicator_id"] == indicator_id]
        if period is not None:
            frame = frame[frame["period"] == period]
        return frame

    if indicator_id is None and period is None:
        return build()
    return derived("with_sweden_part", build, indicator_id, period)


@st.cache_resource(show_spinner=False)
def catalogue() -> dict[str, Indicator]:
    """The indicator catalogue: id → :class:`catalogue.Indicator`, the one shape indicator
    metadata travels in (a table of it is made only where a table is shown)."""
    return load_catalogue()


@st.cache_data(show_spinner=False)
def _areas() -> pd.DataFrame:
    return read_areas()


def areas() -> pd.DataFrame:
    return _areas()


def focus_districts() -> list[str]:
    a = areas()
    return a.loc[(a["level"] == "district") & (a["focus"].astype(int) == 1), "code"].tolist()


def municipality_code() -> str:
    a = areas()
    return a.loc[a["level"] == "municipality", "code"].iloc[0]


def is_demo() -> bool:
    return not has_real_data(store())


def synthetic_left() -> int:
    """Rows of synthetic demo data still loaded (access.reads.synthetic_rows_left)."""
    return synthetic_rows_left(store())


def has_public_data() -> bool:
    """True when the real public statistics shipped with the app are loaded beside the demo."""
    return shipped_public_data(store())


def provenance_table() -> pd.DataFrame:
    """Source, table, reference, retrieval date and licence per loaded batch, for display."""
    p = read_provenance(store(), session_role())
    return pd.DataFrame(
        {
            t("Källa", "Source"): p["source"],
            t("Tabell", "Table"): p["source_table"],
            t("Hämtad från", "Retrieved from"): p["source_ref"],
            t("Hämtad", "Retrieved"): p["retrieved_on"].astype(str),
            t("Licens", "Licence"): p["licence"],
            t("Import", "Batch"): p["id"],
            t("Värden", "Values"): p["rows_loaded"],
        }
    )


@st.cache_data(show_spinner=False)
def _interventions(version: int, url: str) -> pd.DataFrame:
    return read_interventions(store_at(url))


def interventions(districts: list[str]) -> pd.DataFrame:
    frame = _interventions(data_version(), database_url())
    mask = frame["districts"].apply(lambda ds: bool(set(ds) & set(districts)))
    return frame[mask]


@st.cache_data(show_spinner=False, max_entries=16)
def _composite(version: int, url: str, period: str) -> pd.DataFrame:
    # Read, never computed on a rerun: published with the values of ``version`` (issue 17).
    # District composites are public (district level), so the least role reads them.
    return read_composite_ranks(store_at(url), "publik", period)


def composite_ranks(period: str) -> pd.DataFrame:
    return _composite(values_version(), database_url(), period)


def user_name() -> str:
    """Who is acting (signed-in user, or the demo role)."""
    return st.session_state.get("user_name") or st.session_state.get("role", "demo")


BATCH_STATUS = {
    "loaded": ("inläst", "loaded"),
    "rolled_back": ("återställd", "rolled back"),
    "failed": ("misslyckad", "failed"),
}
BATCH_KIND = {
    "observation": ("observationer", "observations"),
    "observations": ("observationer", "observations"),
    "incident": ("EST-händelser", "EST incidents"),
    "activity": ("EST-aktiviteter", "EST activities"),
    "intervention": ("insatser", "interventions"),
    "population": ("befolkning", "population"),
}


def _words(code, table: dict) -> str:
    pair = table.get(code)
    return t(*pair) if pair else str(code)


def _numbers_in_text(text) -> str:
    """Numbers inside a stored message written the session's way (11970 → 11 970)."""
    return re.sub(r"\d{4,}", lambda m: fmt_int(int(m.group()), lang=lang()), str(text or ""))


def raw_batches() -> pd.DataFrame:
    """The import batches the session's role may see, as stored (codes, not words)."""
    return read_batches(store(), session_role())


def batch_label(row) -> str:
    """One batch named for a person: id, file, kind, rows, when, who."""
    return (
        f"{t('Import', 'Batch')} {row['id']}: {row['file_name']} · {_words(row['kind'], BATCH_KIND)}"
        f" · {fmt_int(row['rows_loaded'], lang=lang())} {t('rader', 'rows')}"
        f" · {pd.Timestamp(row['created_at']):%Y-%m-%d %H:%M} · {row['user_name']}"
    )


def batches() -> pd.DataFrame:
    """The batches for the screen: words instead of status/kind codes, numbers formatted."""
    b = raw_batches()
    return pd.DataFrame(
        {
            "Id": b["id"].astype(str),
            t("Källa", "Source"): b["source"],
            t("Typ", "Kind"): [_words(k, BATCH_KIND) for k in b["kind"]],
            t("Fil", "File"): b["file_name"],
            t("Vem", "Who"): b["user_name"],
            t("När", "When"): [f"{pd.Timestamp(w):%Y-%m-%d %H:%M}" for w in b["created_at"]],
            t("Rader", "Rows"): [fmt_int(n, lang=lang()) for n in b["rows_loaded"]],
            t("Ersatta", "Replaced"): [fmt_int(n, lang=lang()) for n in b["rows_replaced"]],
            "Status": [_words(v, BATCH_STATUS) for v in b["status"]],
            t("Meddelande", "Message"): [_numbers_in_text(m) for m in b["message"]],
            t("Syntetisk", "Synthetic"): [
                t("ja", "yes") if v else t("nej", "no") for v in b["synthetic"]
            ],
        }
    )


def freshness_table() -> pd.DataFrame:
    f = freshness(store()).copy()
    f["rows"] = [fmt_int(n, lang=lang()) for n in f["rows"]]
    f["last_import"] = [
        "–" if pd.isna(w) else f"{pd.Timestamp(w):%Y-%m-%d %H:%M}" for w in f["last_import"]
    ]
    return f.rename(
        columns={
            "source": t("Källa", "Source"),
            "last_period": t("Senaste period", "Last period"),
            "last_import": t("Senaste import", "Last import"),
            "rows": t("Rader", "Rows"),
        }
    )
