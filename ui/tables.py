"""Tables for the pages: the indicator table, the overview grid (tartan), change lines."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.reads import council_meetings, loaded_since, set_council_meetings
from catalogue import Indicator
from common.errors import UserError
from common.fmt import fmt_interval, fmt_number, fmt_value
from geo import PLACE
from indicators.changes import change_sentence
from indicators.disclosure import PROTECTED, PROTECTED_EN
from indicators.levels import level_text
from indicators.since_meeting import changes_since, new_periods
from indicators.stats import VERDICT_LABELS
from indicators.trend import TREND_LABELS
from indicators.verdicts import VERDICTS
from ui.i18n import escape_markdown, indicator_name, indicator_unit, lang, t
from ui.reads import (
    catalogue,
    derived,
    focus_districts,
    level,
    level_label,
    municipality_code,
    session_role,
    store,
    user_name,
    values,
)

#: Views of the one verdict table (indicators.verdicts); "benchmark" is the benchmark row itself.
VERDICT_SYMBOL = {code: v.symbol for code, v in VERDICTS.items()} | {"benchmark": ""}


def verdict_text(code) -> str:
    """Symbol and word for a verdict code in the session's language; '–' when there is none."""
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return "–"
    if code == "benchmark":
        return t("Jämförelsevärde", "Benchmark")
    label = VERDICT_LABELS.get(code, {"sv": code, "en": code})
    return f"{VERDICT_SYMBOL.get(code, '')} {label[lang()]}".strip()


def trend_text(code, direction: str | None = None) -> str:
    """The recent trend in words, with better/worse when the indicator has a direction.

    ``direction`` is the catalogue's ``higher_is_worse`` / ``higher_is_better``.
    """
    if not isinstance(code, str):
        return "–"
    word = TREND_LABELS.get(code, {"sv": code, "en": code})[lang()]
    if code in ("increasing", "decreasing") and direction in (
        "higher_is_worse",
        "higher_is_better",
    ):
        worse = (code == "increasing") == (direction == "higher_is_worse")
        arrow = "↗" if code == "increasing" else "↘"
        word = f"{arrow} {word} " + (
            t("(sämre)", "(worse)") if worse else t("(bättre)", "(better)")
        )
    return word


VERDICT_HELP = (
    f"Jämfört med hela {PLACE.name_municipality} samma år. "
    "'Signifikant högre/lägre' betyder att områdets "
    "{level}-konfidensintervall inte omfattar kommunens värde; 'Ingen signifikant skillnad' att det "
    "gör det – skillnaden kan då vara slump, även om siffrorna ser olika ut (små områden har "
    "breda intervall).",
    f"Compared with all of {PLACE.name_municipality_en} the same year. "
    "'Significantly higher/lower' means the "
    "district's {level_en} confidence interval does not include the municipal value; 'No significant "
    "difference' that it does – the gap may then be chance even if the figures look different "
    "(small districts have wide intervals).",
)
TREND_HELP = (
    "Senaste trenden över de senaste fem åren (chi²-test för trend, 95 %). 'Ingen signifikant "
    "förändring' betyder att förändringen, även en stor, ryms inom slumpen för så små tal – "
    "inte att värdet är oförändrat. Sämre/bättre följer indikatorns riktning.",
    "Recent trend over the last five years (chi-squared test for trend, 95%). 'No significant "
    "change' means the change, even a large one, is within chance for numbers this small – not "
    "that the value stayed the same. Worse/better follows the indicator's direction.",
)


def verdict_help() -> str:
    """:data:`VERDICT_HELP` at the session's confidence level (95 % or 99,8 %)."""
    sv, en = VERDICT_HELP
    chosen = level()
    return t(
        sv.format(level=level_text(chosen, lang="sv")),
        en.format(level_en=level_text(chosen, lang="en")),
    )


def ci_heading() -> str:
    """The interval column's heading at the session's level: "95 % KI" / "99,8 % KI"."""
    return t(f"{level_label()} KI", f"{level_label()} CI")


def column_config(ind: Indicator | None = None) -> dict:
    """Widths and help texts for the indicator table's columns (nothing cut off)."""
    unit = "" if ind is None else indicator_unit(ind)
    value = t("Värde", "Value") + (f" ({unit})" if unit else "")
    text = st.column_config.TextColumn
    return {
        t("Område", "Area"): text(width=140, pinned=True),
        t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"): text(
            width=215, help=verdict_help()
        ),
        value: text(width="small", help=t("Värdet i indikatorns enhet", "The indicator's unit")),
        ci_heading(): text(
            width=125,
            help=t(f"{level_label()} konfidensintervall", f"{level_label()} confidence interval"),
        ),
        t("Täljare", "Numerator"): text(width="small"),
        t("Nämnare", "Denominator"): text(width="small"),
        t("Senaste trend", "Recent trend"): text(width=215, help=t(*TREND_HELP)),
        t("Anmärkning", "Note"): text(width="large"),
    }


def show_table(frame: pd.DataFrame, ind: Indicator, **kwargs) -> None:
    """The indicator table on screen with widths, units and help texts."""
    st.dataframe(
        display_table(frame, ind),
        hide_index=True,
        width="stretch",
        column_config=column_config(ind),
        **kwargs,
    )
    st.caption(
        t(
            "Håll muspekaren över en kolumnrubrik för förklaring. ”Ingen signifikant skillnad/"
            "förändring” betyder att skillnaden ryms inom slumpen (konfidensintervallet), inte "
            "att värdena är lika.",
            "Hover over a column header for an explanation. 'No significant difference/change' "
            "means the gap is within chance (the confidence interval), not that the values are "
            "equal.",
        )
    )


def area_names(frame: pd.DataFrame) -> list[str]:
    """Area names in the session's language: the municipality and Sweden are named in English
    in English mode ("Umeå municipality", "Sweden"); district names are names."""
    levels = frame["area_level"] if "area_level" in frame else [None] * len(frame)
    names = {
        "municipality": t(PLACE.name_municipality, PLACE.name_municipality_en),
        "country": t("Sverige", "Sweden"),
    }
    return [names.get(level, name) for level, name in zip(levels, frame["area_name"], strict=True)]


def display_table(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Values formatted the Swedish way; suppressed cells as '–' with "uppgift skyddad" (one
    text for every hidden cell: docs/disclosure.md §5)."""
    lg = lang()
    unit = indicator_unit(ind)
    out = pd.DataFrame(
        {
            t("Område", "Area"): area_names(frame),
            t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"): [
                verdict_text(v) for v in frame["verdict"]
            ],
            t("Värde", "Value") + (f" ({unit})" if unit else ""): [
                fmt_value(v, kind=ind.kind, multiplier=ind.multiplier, lang=lg)
                for v in frame["value"]
            ],
            ci_heading(): [
                fmt_interval(lo, hi, kind=ind.kind, multiplier=ind.multiplier, lang=lg)
                for lo, hi in zip(frame["lower"], frame["upper"], strict=True)
            ],
            t("Täljare", "Numerator"): [
                fmt_number(v, decimals=0, lang=lg) for v in frame["numerator"]
            ],
            t("Nämnare", "Denominator"): [
                fmt_number(v, decimals=0, lang=lg) for v in frame["denominator"]
            ],
            t("Senaste trend", "Recent trend"): [
                trend_text(v, ind.direction) for v in frame["trend"]
            ],
            t("Anmärkning", "Note"): [
                t(PROTECTED, PROTECTED_EN) if bool(s) else "" for s in frame["suppressed"]
            ],
        }
    )
    if "verdict_sweden" in frame:  # the second benchmark (indicators.national)
        out.insert(
            6,
            t("Jämfört med Sverige", "Compared with Sweden"),
            frame["verdict_sweden"].map(verdict_text).to_numpy(),
        )
    if "synthetic" in frame:  # every value says whether it is real or synthetic
        out[t("Data", "Data")] = [
            t("Syntetisk (demo)", "Synthetic (demo)") if s else t("Verklig", "Real")
            for s in frame["synthetic"].astype(bool)
        ]
    return out


def change_text(c: pd.Series) -> str:
    """One line for a significant change in the session's language: the brief's sentence
    (indicators.changes.change_sentence), made inert for Markdown."""
    return escape_markdown(change_sentence(c, catalogue()[c["indicator_id"]], lang=lang()))


TARTAN_COLOURS = {code: v.tint for code, v in VERDICTS.items()}


def _row_label(ind: Indicator) -> str:
    """Indicator name with its unit, so a bare number in the grid always has one."""
    unit = indicator_unit(ind)
    return f"{indicator_name(ind)} ({unit})" if unit else indicator_name(ind)


def tartan(v: pd.DataFrame | None = None, period: str = ""):
    """Indicator × focus district (plus Umeå) grid, each cell value + verdict symbol, coloured.

    Without ``v`` the grid of the session's published values, built once per published
    version, role, period and language (issue 17); the styler is made fresh per call."""
    if v is None:
        shared = derived("tartan", lambda: _tartan_frames(values(), period), period, lang())
        grid, styles = (f.copy(deep=False) for f in shared)
    else:
        grid, styles = _tartan_frames(v, period)
    return grid.style.apply(lambda _: styles, axis=None)


def _tartan_frames(v: pd.DataFrame, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    cat = catalogue()
    codes = [municipality_code(), *focus_districts()]
    part = v[(v["period"] == period) & v["area_code"].isin(codes)]
    names = dict(zip(part["area_code"], part["area_name"], strict=True))
    text = {}
    colour = {}
    for _, r in part.iterrows():
        ind = cat[r["indicator_id"]]
        key = (_row_label(ind), names[r["area_code"]])
        if r["suppressed"]:
            text[key] = "–"
        else:
            sym = VERDICT_SYMBOL.get(r["verdict"], "") if isinstance(r["verdict"], str) else ""
            text[key] = (
                f"{fmt_value(r['value'], kind=ind.kind, multiplier=ind.multiplier, lang=lang())} {sym}".strip()
            )
        colour[key] = (
            TARTAN_COLOURS.get(r["verdict"], "#ffffff")
            if isinstance(r["verdict"], str)
            else "#ffffff"
        )
    rows = [_row_label(ind) for ind in cat.values()]
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
    return grid, styles


def since_meeting_section() -> None:
    """ "Sedan förra mötet": the council's meeting dates (editable) and what arrived and changed
    since the last one (new data, significant changes, verdicts and trends that turned)."""
    role = session_role()
    st.subheader(t("Sedan förra mötet", "Since the last meeting"))
    meetings = council_meetings(store())
    today = pd.Timestamp.today().date().isoformat()
    past = [d for d in meetings if d <= today]
    if role != "publik":
        with st.expander(t("Rådets mötesdatum", "The council's meeting dates")):
            text = st.text_area(
                t("Ett datum per rad (ÅÅÅÅ-MM-DD)", "One date per line (YYYY-MM-DD)"),
                value="\n".join(meetings),
                key="meeting_dates",
            )
            if st.button(t("Spara mötesdatum", "Save meeting dates"), key="save_meetings"):
                try:
                    set_council_meetings(
                        store(), role, [d for d in text.splitlines() if d.strip()], user=user_name()
                    )
                    st.rerun()
                except UserError as exc:
                    st.error(str(exc) if lang() == "sv" else (exc.message_en or str(exc)))
    if not past:
        st.caption(
            t(
                "Inga mötesdatum sparade ännu – lägg till rådets möten ovan.",
                "No meeting dates saved yet – add the council's meetings above.",
            )
        )
        return
    last = past[-1]
    loaded = loaded_since(store(), role, last)
    if loaded.empty:
        st.markdown(
            t(
                f"Inga nya data sedan mötet {last}.",
                f"No new data since the meeting on {last}.",
            )
        )
        return
    files = loaded.drop_duplicates("batch_id")
    st.markdown(
        t(
            f"**Nya data sedan mötet {last}:** ",
            f"**New data since the meeting on {last}:** ",
        )
        + ", ".join(
            f"{escape_markdown(r['file_name'])} ({', '.join(sorted({p for ps in loaded.loc[loaded['batch_id'] == r['batch_id'], 'periods'] for p in ps}))})"
            for _, r in files.head(6).iterrows()
        )
    )
    v = values()
    arrived = new_periods(loaded, v)
    found = changes_since(v, catalogue(), arrived, areas=focus_districts())
    cat = catalogue()
    if found["changes"].empty and found["turned"].empty and found["trends"].empty:
        st.caption(
            t(
                "Inga signifikanta förändringar i fokusområdena i de nya uppgifterna.",
                "No significant changes in the focus districts in the new figures.",
            )
        )
    for _, c in found["changes"].head(8).iterrows():
        st.markdown("- " + change_text(c))
    for _, r in found["turned"].head(8).iterrows():
        name = indicator_name(cat[r["indicator_id"]])
        st.markdown(
            f"- {escape_markdown(r['area_name'])}: {name} {r['period']} – "
            + t(f"jämfört med {PLACE.name} nu", f"against {PLACE.name} now")
            + f" **{verdict_text(r['verdict_now'])}** ("
            + t("året före", "the year before")
            + f": {verdict_text(r['verdict_before'])})"
        )
    for _, r in found["trends"].head(8).iterrows():
        direction = cat[r["indicator_id"]].direction
        st.markdown(
            f"- {escape_markdown(r['area_name'])}: {indicator_name(cat[r['indicator_id']])} – "
            + t("trenden har vänt: nu", "the trend has turned: now")
            + f" **{trend_text(r['trend_now'], direction)}** ({r['period']}), "
            + t("vid mötet", "at the meeting")
            + f" {trend_text(r['trend_before'], direction)} ({r['period_before']})"
        )


def partial_benchmark_note(rows: pd.DataFrame) -> str | None:
    """In words, when the Umeå value some of ``rows`` are compared with is a partial sum
    (``benchmark_partial``: no stored municipal figure, only some districts; issue 16);
    naming the indicators when ``rows`` hold several. None when every benchmark is whole."""
    if "benchmark_partial" not in rows.columns or rows.empty:
        return None
    flagged = rows["benchmark_partial"].astype("boolean").fillna(False).to_numpy(bool)
    if not flagged.any():
        return None
    text = t(
        f"Jämförelsevärdet för {PLACE.name} är ofullständigt: det finns ingen inläst kommunsiffra, "
        "så det är summan av bara de distrikt som finns i databasen. Jämförelserna gäller "
        "mot dem, inte mot hela kommunen.",
        f"The {PLACE.name} benchmark is partial: no municipal figure is stored, so it is the sum of "
        "only the districts in the database. Comparisons are against those, not the whole "
        "municipality.",
    )
    ids = list(dict.fromkeys(rows.loc[flagged, "indicator_id"].astype(str)))
    if rows["indicator_id"].nunique() > 1:
        cat = catalogue()
        names = ", ".join(indicator_name(cat[i]) if i in cat else i for i in ids)
        text += " " + t(f"Gäller: {names}.", f"Applies to: {names}.")
    return text


def statistics_notes(rows: pd.DataFrame) -> list[str]:
    """What the reader must know to read this year's verdicts, in words (docs/methods.md).

    A partial benchmark (the municipality value summed from only some districts), the
    overdispersion factor φ and the widened intervals, and a pooled period.
    """
    notes = []
    partial = partial_benchmark_note(rows)
    if partial:
        notes.append(partial)
    phi = pd.to_numeric(rows.get("phi", pd.Series(dtype=float)), errors="coerce").dropna()
    if not phi.empty and float(phi.max()) > 1:
        value = fmt_number(float(phi.max()), decimals=1, lang=lang())
        notes.append(
            t(
                f"Distrikten skiljer sig mer än slumpen förklarar (överspridning φ = {value}). "
                "Intervallen är därför vidgade (kvasi-binomial/-Poisson), och ”signifikant” betyder "
                "att distriktet skiljer sig mer än distrikt brukar skilja sig åt.",
                f"The districts differ more than chance explains (overdispersion φ = {value}). "
                "The intervals are therefore widened (quasi-binomial/-Poisson), and 'significant' "
                "means the district differs more than districts usually differ.",
            )
        )
    if "period_label" in rows.columns:
        pooled = rows.loc[rows["period_label"].astype(str) != rows["period"].astype(str)]
        if not pooled.empty:
            label = str(pooled["period_label"].iloc[0])
            notes.append(
                t(
                    f"Sällsynt händelse: värdena gäller tre år tillsammans ({label}).",
                    f"Rare event: the values cover three years together ({label}).",
                )
            )
    return notes
