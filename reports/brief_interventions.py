"""The council brief's intervention section: one block per active intervention (issue 13).

Each block names the intervention, its districts and start, and for its first target
indicator with published values gives the verdict line of the comparison design (DiD,
robust to municipality-wide year shocks), the three designs' estimates in one line, and a
small chart of the observed series against the expected one without the intervention.
Everything is read through :func:`access.interventions.evaluate_intervention`, i.e. from the
published (disclosure-controlled) values; which interventions and what the lines say come
from :mod:`indicators.brief_content` (``active_interventions``, ``effect_lines``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from access.interventions import evaluate_intervention, interventions
from catalogue import Indicator
from common.fmt import fmt_date
from indicators.brief_content import HEADLINE_METHOD, active_interventions, effect_lines
from reports.pdf import MUTED_TEXT, BriefPDF, add_figure

MM_PER_INCH = 25.4


def counterfactual_figure(series: pd.DataFrame, *, unit: str, width_mm: float) -> Figure:
    """Observed values (line with dots) and the expected values without the intervention."""
    fig = Figure(figsize=(width_mm / MM_PER_INCH, 1.35), layout="constrained")
    ax = fig.add_subplot()
    x = list(range(len(series)))
    ax.plot(x, series["observed"], marker="o", ms=3, color="#0072B2", label="Observerat")
    ax.plot(
        x,
        series["counterfactual"],
        ls="--",
        color="#E69F00",
        label="Förväntat utan insatsen (jämförelseområden)",
    )
    post = series.index[series["phase"] == "post"]
    if len(post):
        ax.axvline(series.index.get_loc(post[0]) - 0.5, color="#555555", ls=":", lw=1)
    step = max(1, len(x) // 8)
    ax.set_xticks(x[::step], list(series["period"])[::step], fontsize=6)
    ax.tick_params(axis="y", labelsize=6)
    ax.set_ylabel(unit, fontsize=6)
    ax.legend(fontsize=6, frameon=False, loc="best")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def interventions_section(
    pdf: BriefPDF,
    store,
    *,
    role: str,
    period: str,
    districts: Sequence[str],
    names: dict[str, str],
    catalogue: dict[str, Indicator],
) -> int:
    """Write the section; returns the number of intervention blocks (0: nothing written)."""
    register = interventions(store, role)
    active = active_interventions(register, period=period, districts=districts)
    if active.empty:
        return 0
    pdf.ensure_space(40)
    pdf.section_heading("Insatser och effekter", size=11, space_after=0.5)
    pdf.paragraph(
        "Effekt = skillnad mot vad som väntades utan insatsen. Rubrikraden bygger på jämförelse "
        "med andra områden (skillnad-i-skillnader med placebotest); avbruten tidsserie och "
        "syntetisk kontroll anges inom parentes. Antaganden och diagram: sidan Insatser.",
        size=6.5,
        color=MUTED_TEXT,
    )
    for _, row in active.iterrows():
        targets = [i for i in row["targets"] if i in catalogue] or []
        where = ", ".join(names.get(d, d) for d in row["districts"])
        pdf.ensure_space(45)
        pdf.paragraph(
            f"{row['name']} – {where}, från {fmt_date(row['start_date'])}",
            size=8.5,
            style="B",
        )
        if not targets:
            pdf.paragraph("Inga målindikatorer angivna; ingen utvärdering.", size=7.5)
            continue
        ind = catalogue[targets[0]]
        result = evaluate_intervention(store, role, int(row["id"]), ind.id)
        head = result["results"][HEADLINE_METHOD]
        verdict, others = effect_lines(result)
        pdf.paragraph(f"{ind.name_sv}: {verdict}", size=7.5)
        pdf.paragraph(others, size=6.5, color=MUTED_TEXT)
        if "series" in head:
            add_figure(
                pdf,
                counterfactual_figure(head["series"], unit=ind.unit_sv, width_mm=120),
                width=120,
            )
        pdf.ln(1.5)
    return len(active)
