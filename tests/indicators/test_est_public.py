"""EST for publik and rad (indicators/est_public.py): a year of published periods, attacked.

The attacker's unknowns are the weekly district counts; what is published is every period's
protected district totals, type totals and the municipality's totals.  The audit must find no
weekly count it can narrow below the protection width, while the same year published with
weekly municipal totals beside the periods (a table built to leak) is caught.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.errors import UserError
from geo.areas import read_areas
from indicators.audit import audit
from indicators.disclosure import PROTECTED
from indicators.est import MUNICIPALITY
from indicators.est_public import (
    last_complete_period,
    period_of_week,
    period_weeks,
    public_periods,
    public_view,
)

YEAR = 2025
PERIODS = [f"{YEAR}-P{k:02d}" for k in range(1, 14)]
WEEKS = [w for p in PERIODS for w in period_weeks(p)]
TYPES = ("skadegörelse", "hot", "brand", "narkotika")


def year_of_incidents(seed: int = 7) -> pd.DataFrame:
    """A synthetic year: some districts busy, many with a handful of incidents per week."""
    rng = np.random.default_rng(seed)
    districts = read_areas(level="district")["code"].tolist()
    rate = dict(
        zip(districts, rng.lognormal(mean=-0.5, sigma=1.2, size=len(districts)), strict=True)
    )
    rows = []
    for week in WEEKS:
        monday = pd.Timestamp.fromisocalendar(YEAR, int(week.split("-W")[1]), 1)
        for district in districts:
            for _ in range(rng.poisson(rate[district])):
                rows.append(
                    {
                        "occurred_at": monday + pd.Timedelta(hours=float(rng.uniform(0, 167))),
                        "district_code": district,
                        "type": TYPES[rng.integers(0, len(TYPES))],
                        "synthetic": True,
                    }
                )
    return pd.DataFrame(rows)


def weekly_truth(incidents: pd.DataFrame) -> pd.DataFrame:
    """Counts per (district or municipality) × (week or period): the attacker's unknowns."""
    districts = read_areas(level="district")["code"].tolist()
    iso = pd.to_datetime(incidents["occurred_at"]).dt.isocalendar()
    week = [f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=True)]
    counts = pd.Series(1, index=pd.MultiIndex.from_arrays([incidents["district_code"], week]))
    counts = counts.groupby(level=[0, 1]).sum()
    rows = []
    for area in [*districts, MUNICIPALITY]:
        for period in PERIODS:
            for w in period_weeks(period):
                n = (
                    counts.xs(w, level=1).sum()
                    if area == MUNICIPALITY and w in counts.index.get_level_values(1)
                    else counts.get((area, w), 0)
                )
                rows.append((area, w, float(n)))
            rows.append((area, period, sum(r[2] for r in rows[-len(period_weeks(period)) :])))
    return pd.DataFrame(
        {
            "indicator_id": "est",
            "kind": "count",
            "area_code": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "numerator": [r[2] for r in rows],
            "denominator": np.nan,
        }
    )


def attacker_table(truth: pd.DataFrame, published: pd.DataFrame, *, weekly_totals: bool = False):
    """The truth with everything hidden except what ``published`` shows (period totals), and
    optionally the municipality's weekly totals; plus the lines the attacker knows."""
    shown = {
        (c, p): n
        for c, p, n, s in published[["code", "period", "count", "suppressed"]].itertuples(
            index=False
        )
        if not s
    }
    keys = list(zip(truth["area_code"], truth["period"], strict=True))
    visible = np.array([k in shown for k in keys])
    if weekly_totals:
        visible |= (truth["area_code"] == MUNICIPALITY).to_numpy() & truth["period"].str.contains(
            "W"
        ).to_numpy()
    table = truth.assign(suppressed=~visible)
    table["numerator"] = table["numerator"].mask(table["suppressed"])
    districts = read_areas(level="district")["code"].tolist()
    area_parent = dict.fromkeys(districts, MUNICIPALITY)
    period_parent = {w: p for p in PERIODS for w in period_weeks(p)}
    return table, area_parent, period_parent


@pytest.fixture(scope="module")
def year():
    incidents = year_of_incidents()
    published = public_periods(incidents, PERIODS)
    return incidents, published, weekly_truth(incidents)


def test_periods_are_four_weeks_that_never_overlap_and_cover_the_year():
    assert len(WEEKS) == len(set(WEEKS)) == 52
    assert all(period_of_week(w) == p for p in PERIODS for w in period_weeks(p))
    assert period_weeks("2026-P13")[-1] == "2026-W53"  # a 53-week year
    assert last_complete_period("2025-W46") == "2025-P11"
    with pytest.raises(UserError, match="kan inte läsas"):
        period_weeks("vecka 12")
    with pytest.raises(UserError, match="finns inte"):
        period_weeks("2025-P14")


def test_a_year_of_public_periods_passes_the_audit_as_a_table(year):
    incidents, published, _ = year
    table = published.rename(columns={"code": "area_code", "count": "numerator"}).assign(
        indicator_id="est", kind="count", denominator=np.nan
    )
    truth = (
        public_periods(incidents, PERIODS, threshold=1)
        .rename(columns={"code": "area_code", "count": "numerator"})
        .assign(indicator_id="est", kind="count", denominator=np.nan)
    )
    districts = read_areas(level="district")["code"].tolist()

    result = audit(table, area_parent=dict.fromkeys(districts, MUNICIPALITY), truth=truth)

    assert result["sensitive"].sum() > 20  # the year really has small district periods
    assert not result["pinned"].any()
    assert set(published.loc[published["suppressed"], "reason"]) == {PROTECTED}


def test_no_weekly_count_can_be_narrowed_from_a_year_of_public_periods(year):
    incidents, published, truth = year
    table, area_parent, period_parent = attacker_table(truth, published)

    result = audit(table, area_parent=area_parent, period_parent=period_parent, truth=truth)

    # Every week is hidden; of a week with anything in it the attacker can tell neither that
    # something happened (lower bound 0) nor that it was fewer than 5 (upper bound ≥ 5).
    weeks = result[result["period"].str.contains("W")]
    assert len(weeks) == len(truth[truth["period"].str.contains("W")])
    busy = weeks[weeks["value"] >= 1]
    assert (busy["lower"] == 0).all()
    assert (busy["upper"] >= 5).all()
    assert (busy["value"] <= 4).sum() > 50  # the year really has small district weeks
    # Only a period published as 0 says anything exact about its weeks: that they were 0.
    assert (weeks.loc[weeks["upper"] < 5, "value"] == 0).all()


def test_publishing_weekly_municipal_totals_beside_the_periods_leaks(year):
    # Built to leak: a district holding most of a period's incidents, with Umeå's weekly totals
    # published, is pinned week by week (the Fréchet bounds of a 2-D table).
    incidents, published, truth = year
    table, area_parent, period_parent = attacker_table(truth, published, weekly_totals=True)

    result = audit(table, area_parent=area_parent, period_parent=period_parent, truth=truth)

    assert result["pinned"].any()


def test_public_view_has_no_weekly_figures_and_only_an_ended_period(year):
    incidents, _, _ = year

    view = public_view(incidents, "2025-W47")

    assert view["period"] == "2025-P11" and view["weeks"][-1] == "2025-W44"
    assert not {"cells", "by_partner", "weekday_hour", "weekly_totals"} & set(view)
    assert list(view["districts"].columns) == [
        "district_code",
        "name",
        "count",
        "suppressed",
        "reason",
    ]
    shown = view["districts"].loc[~view["districts"]["suppressed"], "count"]
    assert not shown.between(1, 4).any()
    assert len(view["trend"]) == 13 and view["trend"]["period"].iloc[-1] == "2025-P11"
    kinds = view["by_type"]
    assert not kinds.loc[~kinds["suppressed"], "count"].between(1, 4).any()
    # The same period asked for from any week inside the next period gives the same figures.
    again = public_view(incidents, "2025-W46")
    pd.testing.assert_frame_equal(view["districts"], again["districts"])
