"""Tables for the pages: the indicator table, the overview grid (tartan), change lines."""

from __future__ import annotations

import pandas as pd

from common.fmt import fmt_interval, fmt_number, fmt_value
from geo import PLACE
from indicators.disclosure import PROTECTED, PROTECTED_EN
from indicators.stats import VERDICT_LABELS
from indicators.trend import TREND_LABELS
from indicators.verdicts import VERDICTS
from ui.i18n import escape_markdown, indicator_name, lang, t
from ui.reads import catalogue_frame, focus_districts, municipality_code

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


def trend_text(code) -> str:
    if not isinstance(code, str):
        return "–"
    return TREND_LABELS.get(code, {"sv": code, "en": code})[lang()]


def display_table(frame: pd.DataFrame, ind: pd.Series) -> pd.DataFrame:
    """Values formatted the Swedish way; suppressed cells as '–' with "uppgift skyddad" (one
    text for every hidden cell: docs/disclosure.md §5)."""
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
            t(f"Jämfört med {PLACE.name}", f"Compared with {PLACE.name}"): [
                verdict_text(v) for v in frame["verdict"]
            ],
            t("Trend", "Trend"): [trend_text(v) for v in frame["trend"]],
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


TARTAN_COLOURS = {code: v.tint for code, v in VERDICTS.items()}


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


def statistics_notes(rows: pd.DataFrame) -> list[str]:
    """What the reader must know to read this year's verdicts, in words (docs/methods.md).

    A partial benchmark (the municipality value summed from only some districts), the
    overdispersion factor φ and the widened intervals, and a pooled period.
    """
    notes = []
    if "benchmark_partial" in rows.columns and rows["benchmark_partial"].fillna(False).any():
        notes.append(
            t(
                "Jämförelsevärdet för Umeå är ofullständigt: det finns ingen inläst kommunsiffra, "
                "så det är summan av bara de distrikt som finns i databasen. Jämförelserna gäller "
                "mot dem, inte mot hela kommunen.",
                "The Umeå benchmark is partial: no municipal figure is stored, so it is the sum of "
                "only the districts in the database. Comparisons are against those, not the whole "
                "municipality.",
            )
        )
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
