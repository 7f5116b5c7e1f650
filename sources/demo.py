"""The synthetic demo dataset: deterministic, calibrated to public totals, loaded through the
same import path as real data (template CSV files → ``sources.template.import_file``).

Every value it makes is marked synthetic in the store; the app says "Demodata – syntetiska
värden" until real data is imported. Calibration figures: data/demo/PROVENANCE.md.

``python -m sources.demo [--db URL] [--if-empty | --rebuild] [--out DIR]``

Demo mode (docs/privacy.md "Demo mode") is a state of the database (``store.demo_state``):
:func:`load_demo` sets it, the first real import closes it for good. Loading the demo, and
the demo role switcher, are allowed only where :func:`demo_allowed` says so: ``UVTS_DEMO=1``,
or (unless ``UVTS_DEMO=0``) an SQLite file such as the embedded default. ``make run`` on an
empty PostgreSQL database therefore starts with no data and no demo mode.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from catalogue import load_catalogue
from common.cli import run_cli
from common.errors import UserError
from common.place import current_place
from common.settings import ROOT
from geo.areas import read_areas, read_deso_mapping
from geo.boundaries import has_boundaries
from sources.__main__ import publish
from sources.demo_est import has_est_demo, load_est_demo
from sources.events import import_interventions
from sources.public import load_public
from sources.template import import_file
from store import Store
from store.areas import sync_areas
from store.demo_state import start_demo
from store.observations import is_empty, reset_data
from store.published import status

SEED = 20241  # fixed: the same files byte for byte on every run
YEARS = range(2015, 2026)
PLACE = current_place()  # data/place/<place>.yml: demo calibration
# Umeå: ≈133 000–134 000 residents (docs/data.md, SCB via sv.wikipedia), 72 DeSO (SCB key, 2025).
MUNICIPALITY_POPULATION = PLACE.demo_population
PEOPLE_PER_DESO = MUNICIPALITY_POPULATION / max(PLACE.demo_n_deso, 1)
RURAL_DISTRICT_WITHOUT_DESO = 400  # a district no DeSO maps to gets a small population
SOURCE = "demo"
#: ``1`` allows demo mode on any database, ``0`` forbids it everywhere.
DEMO_ENV = "UVTS_DEMO"

# Share of the population in each denominator group (synthetic assumptions, PROVENANCE.md).
AGE_SHARES = {
    "pop_total": 1.0,
    "pop_0_17": 0.20,
    "pop_6_15": 0.11,
    "pop_7_25": 0.24,
    "pop_13_19": 0.075,
    "pop_15_20": 0.07,
    "pop_16_24": 0.16,
    "pop_18_24": 0.13,
    "pupils": 0.105,
    "pupils_ak9": 0.011,
    "respondents_pupils": 0.06,
    "respondents_youth": 0.035,
    "respondents_adult": 0.03,
    "households_children": 0.11,
}

# Municipal base level per indicator (per unit of its kind: proportion 0..1, rate per person,
# mean score) and its denominator group. Unlisted catalogue entries fall back by kind.
DEMO_SPEC: dict[str, tuple[float, str]] = {
    "ej_behoriga_gymnasiet": (0.12, "pupils_ak9"),
    "problematisk_franvaro": (0.10, "pupils"),
    "meritvarde_ak9": (232.0, "pupils_ak9"),
    "godkanda_alla_amnen": (0.76, "pupils_ak9"),
    "trygghet_skolan": (0.84, "respondents_pupils"),
    "avstangningar": (0.006, "pupils"),
    "orosanmalningar": (0.055, "pop_0_17"),
    "barn_ekonomiskt_utsatta": (0.10, "pop_0_17"),
    "ekonomiskt_bistand_barnhushall": (0.05, "households_children"),
    "ungdomsarbetsloshet": (0.06, "pop_18_24"),
    "unga_uvas": (0.05, "pop_16_24"),
    "trangboddhet": (0.12, "pop_total"),
    "flyttrorlighet": (0.15, "pop_total"),
    "deltagande_fritid": (0.55, "respondents_youth"),
    "fritidsgard_besok": (2.0, "pop_13_19"),
    "lovaktiviteter": (0.8, "pop_6_15"),
    "lok_stod": (14.0, "pop_7_25"),
    "misstankta_15_20": (0.03, "pop_15_20"),
    "narkotikabrott": (0.004, "pop_total"),
    "skadegorelse": (0.010, "pop_total"),
    "personran": (0.0006, "pop_total"),
    "vapenbrott": (0.0005, "pop_total"),
    "upplevd_trygghet": (0.74, "respondents_adult"),
    "vuxennarvaro": (60.0, "pop_total"),
    "skjutningar_explosioner": (0.4, "pop_total"),
}
FALLBACK = {
    "proportion": (0.10, "pop_total"),
    "rate": (0.01, "pop_total"),
    "mean": (100.0, "pop_total"),
    "count": (50.0, "pop_total"),
}

# Dated interventions (illustrative dates, synthetic like the rest) and their demo effect; the
# place file names them and says where (demo.interventions), else they go to the focus districts.
INTERVENTIONS = [
    {
        "name": "Ungdomens hus öppnar (demo)",
        "start": date(2021, 9, 1),
        "description": "Mötesplats för unga 13–19 år med kvällsöppet (demo: datum illustrativt).",
        "unit": "Fritid (demo)",
        "effect": {"fritidsgard_besok": 1.6, "skadegorelse": 0.85},
        "n_districts": 1,
    },
    {
        "name": "Fritidsbanken öppnar (demo)",
        "start": date(2019, 3, 1),
        "description": "Gratis lån av sport- och fritidsutrustning (demo: datum illustrativt).",
        "unit": "Fritidsbanken (demo)",
        "effect": {"deltagande_fritid": 1.12, "lok_stod": 1.1},
        "n_districts": 1,
    },
    {
        "name": "Nattvandring förstärks (demo)",
        "start": date(2023, 8, 15),
        "description": "Fler vuxna ute kvällar och helger (demo).",
        "unit": "Fältgruppen (demo)",
        # Also aimed at vandalism, where the synthetic data has no effect: the evaluation
        # should say "no clear change" there.
        "targets": ["vuxennarvaro", "skadegorelse"],
        "effect": {"vuxennarvaro": 2.0},
        "n_districts": 2,
    },
]


def place_interventions(areas: pd.DataFrame) -> list[dict]:
    """The demo interventions for the place's districts: named and placed as the place file says
    (``demo.interventions``), else in the place's focus districts under generic names."""
    districts = areas.loc[areas["level"] == "district"]
    known = set(districts["code"])
    given = PLACE.demo_interventions
    if given and all(set(g.get("districts") or ()) <= known for g in given):
        return [
            {
                **generic,
                **{k: g[k] for k in ("name", "unit", "description") if g.get(k)},
                "districts": [str(d) for d in g["districts"]],
            }
            for generic, g in zip(INTERVENTIONS, given, strict=False)
        ]
    focus = districts.loc[districts["focus"].astype(bool), "code"].tolist() or list(known)[:4]
    out = []
    for i, iv in enumerate(INTERVENTIONS):
        placed = [focus[(i + j) % len(focus)] for j in range(iv["n_districts"])]
        out.append({**iv, "districts": sorted(set(placed))})
    return out


def district_populations(areas: pd.DataFrame, deso: pd.DataFrame) -> pd.Series:
    """Population per district from the number of DeSO mapped to it (DeSO ≈ 1 860 residents)."""
    districts = areas.loc[areas["level"] == "district", "code"]
    if deso.empty:  # a place whose districts are its RegSO: the population shared evenly
        share = round(MUNICIPALITY_POPULATION / max(len(districts), 1))
        return pd.Series(share, index=districts.to_numpy(), dtype=int)
    latest = deso[deso["deso_version"] == deso["deso_version"].max()]
    n_deso = latest.groupby("district_code")["deso_code"].nunique()
    pop = (n_deso.reindex(districts).fillna(0) * PEOPLE_PER_DESO).round()
    pop[pop == 0] = RURAL_DISTRICT_WITHOUT_DESO
    return pop.astype(int)


def indicator_rng(indicator_id: str) -> np.random.Generator:
    """The demo's random stream for one indicator: seeded by :data:`SEED` and the id alone.

    Examples
    --------
    >>> int(indicator_rng("skadegorelse").integers(1000)) == int(
    ...     indicator_rng("skadegorelse").integers(1000))
    True
    """
    digest = hashlib.sha256(indicator_id.encode("utf-8")).digest()
    return np.random.default_rng([SEED, int.from_bytes(digest[:8], "big")])


def generate_observations(areas: pd.DataFrame, deso: pd.DataFrame, catalogue: dict) -> pd.DataFrame:
    """All synthetic observations as template rows (omrade, period, matt, antal, namnare, varde, kalla)."""
    rng = np.random.default_rng(SEED)
    pop = district_populations(areas, deso)
    codes = list(pop.index)
    # A latent place-level strain per district, random (it says nothing about the real district).
    strain = pd.Series(rng.normal(0, 0.35, len(codes)), index=codes)
    growth = pd.Series(rng.normal(0.012, 0.004, len(codes)), index=codes)
    interventions = place_interventions(areas)
    starts = {
        (d, m): iv["start"].year + (iv["start"].month > 6) * 0.5
        for iv in interventions
        for d in iv["districts"]
        for m in iv["effect"]
    }
    effects = {
        (d, m): f for iv in interventions for d in iv["districts"] for m, f in iv["effect"].items()
    }
    rows = []
    for ind in sorted(catalogue.values(), key=lambda i: i.id):
        if ind.role == "context":
            continue  # real public statistics (sources/public.py), never synthesised
        # Each indicator draws from its own stream: adding or removing an indicator leaves
        # every other indicator's demo counts as they were (the district strain above is
        # shared on purpose: one synthetic "place" behind all indicators).
        rng = indicator_rng(ind.id)
        base, group = DEMO_SPEC.get(ind.id, FALLBACK[ind.kind])
        sign = 1.0 if ind.direction == "higher_is_worse" else -1.0
        trend = rng.normal(0, 0.02)
        terms = ["VT", "HT"] if getattr(ind, "periodicity", "year") == "term" else [None]
        # Head-count denominators (pupils, residents) are whole every term; events split.
        head_count = getattr(ind, "denominator_rollup", "sum") != "sum"
        per_term = 1.0 if head_count else float(len(terms))
        event_share = 1.0 / len(terms) if head_count and ind.kind == "rate" else 1.0
        low, high = ind.value_range() if hasattr(ind, "value_range") else (0.0, float("inf"))
        for d in codes:
            for year in YEARS:
                people = pop[d] * (1 + growth[d]) ** (year - 2015) * AGE_SHARES[group]
                shift = sign * strain[d] + trend * (year - 2020)
                for term in terms:
                    t = year + (0.5 if term == "HT" else 0.0)
                    factor = (
                        effects.get((d, ind.id), 1.0) if t >= starts.get((d, ind.id), 1e9) else 1.0
                    )
                    denom = max(int(rng.poisson(people / per_term)), 0)
                    period = f"{year}-{term}" if term else str(year)
                    row = _observation(
                        rng,
                        ind.kind,
                        base * event_share,
                        shift + np.log(factor),
                        denom,
                        d,
                        period,
                        ind.id,
                        valid_range=(low, high),
                    )
                    rows.append(row)
                    if getattr(ind, "sum_squares_measure", None) and denom >= 2:
                        rows.append(_sum_squares_row(row, ind.sum_squares_measure))
    frame = pd.DataFrame(rows, columns=["omrade", "period", "matt", "antal", "namnare", "varde"])
    frame["kalla"] = SOURCE
    return frame


def _observation(
    rng,
    kind: str,
    base: float,
    shift: float,
    denom: int,
    area: str,
    period: str,
    measure: str,
    *,
    valid_range: tuple[float, float] = (0.0, float("inf")),
):
    """One template row; ``shift`` moves the base on the log-odds (proportions) or log scale.

    A mean with a finite valid range (meritvärde 0–340) moves on the logit of its position
    in the range, so no district can get an impossible value.
    """
    if kind == "proportion":
        p = float(1 / (1 + np.exp(-(np.log(base / (1 - base)) + shift))))
        return (area, period, measure, int(rng.binomial(denom, p)), denom, None)
    low, high = valid_range
    if kind == "mean" and np.isfinite(high):
        position = (base - low) / (high - low)
        logit = np.log(position / (1 - position)) + shift / 2
        level = low + (high - low) / (1 + np.exp(-logit))
    else:
        level = base * float(np.exp(shift))
    if kind == "rate":
        return (area, period, measure, int(rng.poisson(level * denom)), denom, None)
    if kind == "mean":
        n = max(denom, 0)
        scores = float(np.clip(rng.normal(level, 8.0 / np.sqrt(max(n, 1))), low, high))
        return (area, period, measure, round(scores * n, 1), n, None)
    return (area, period, measure, int(rng.poisson(level)), None, None)


#: Synthetic between-pupil standard deviation of merit values in the demo (labelled synthetic).
DEMO_PUPIL_SD = 55.0


def _sum_squares_row(row: tuple, measure: str) -> tuple:
    """The demo's sum of squared scores for a mean row: (n − 1)·sd² + n·mean²."""
    area, period, _, total, n, _ = row
    mean = total / n
    sum_squares = (n - 1) * DEMO_PUPIL_SD**2 + n * mean**2
    return (area, period, measure, int(round(sum_squares)), None, None)


def generate_interventions(areas: pd.DataFrame | None = None) -> pd.DataFrame:
    interventions = place_interventions(read_areas() if areas is None else areas)
    return pd.DataFrame(
        [
            {
                "insats": iv["name"],
                "omraden": ",".join(iv["districts"]),
                "startdatum": iv["start"].isoformat(),
                "slutdatum": "",
                "beskrivning": iv["description"],
                # The demo's target indicators are those the synthetic data gives an effect.
                "malindikatorer": ",".join(iv.get("targets", iv["effect"])),
                "ansvarig": iv["unit"],
            }
            for iv in interventions
        ]
    )


def write_files(out: Path) -> list[Path]:
    """Write the demo template files; byte-identical on every run."""

    out.mkdir(parents=True, exist_ok=True)
    obs = generate_observations(read_areas(), read_deso_mapping(), load_catalogue())
    paths = []
    for family_year, part in obs.groupby(obs["period"].str[:4]):
        path = out / f"demo_observationer_{family_year}.csv"
        part.to_csv(path, sep=";", index=False, decimal=",", encoding="utf-8", lineterminator="\n")
        paths.append(path)
    path = out / "demo_insatser.csv"
    generate_interventions().to_csv(
        path, sep=";", index=False, encoding="utf-8", lineterminator="\n"
    )
    paths.append(path)
    return paths


def demo_allowed(url: str) -> bool:
    """Whether demo mode may exist on the database at ``url``: ``UVTS_DEMO=1`` allows it
    everywhere, ``UVTS_DEMO=0`` nowhere; unset, only on SQLite (the embedded default or
    another file), never on a server database such as PostgreSQL.

    Examples
    --------
    >>> import os; os.environ.pop("UVTS_DEMO", None)
    >>> demo_allowed("sqlite:///var/uvts.sqlite"), demo_allowed("postgresql://h/uvts")
    (True, False)
    """
    flag = os.environ.get(DEMO_ENV, "").strip().lower()
    if flag in ("1", "true", "yes", "ja"):
        return True
    if flag in ("0", "false", "no", "nej"):
        return False
    return str(url).startswith("sqlite")


def load_demo(store, *, out: Path | None = None) -> int:
    """Mark the database as a demo, then generate the demo files and import them through
    the real import path (all synthetic). Refused once real data has been imported."""
    if not demo_allowed(store.url):
        raise UserError(
            f"Demodata läses bara in i en SQLite-databas eller med {DEMO_ENV}=1 "
            "(docs/privacy.md, Demoläge).",
            message_en=f"Demo data is loaded only into SQLite or with {DEMO_ENV}=1.",
        )
    start_demo(store)

    out = out or ROOT / "var" / "demo"
    loaded = 0
    for path in write_files(out):
        if path.name.startswith("demo_insatser"):
            import_interventions(store, path, source=SOURCE, user="demo", synthetic=True)
        else:
            loaded += import_file(
                store, path, source=SOURCE, user="demo", synthetic=True
            ).rows_loaded
    if has_boundaries() and has_est_demo():  # on the place's map, at its est.demo spots
        load_est_demo(store, out / "est")
    return loaded


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(
        prog="python -m sources.demo", description="Syntetiska demodata."
    )
    parser.add_argument("--db", help="databas-URL")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--if-empty", action="store_true", help="läs bara in om databasen är tom")
    mode.add_argument("--rebuild", action="store_true", help="bygg om demodatabasen från början")
    parser.add_argument("--out", type=Path, help="skriv bara mallfilerna hit, ingen import")
    args = parser.parse_args(argv)
    if args.out:
        for p in write_files(args.out):
            print(p)
        return 0

    store = Store(args.db)
    store.migrate()

    sync_areas(store, read_areas())
    if args.if_empty and not is_empty(store):
        state = status(store)
        if state["current"] is None or state["source_version"] != state["values_version"]:
            publish(store)  # a store from before the published table (issue 17)
        print("Databasen har redan data; demodata läses inte in.")
        return 0
    if args.if_empty and not demo_allowed(store.url):
        print(
            "Databasen är tom. Demodata läses inte in automatiskt i en serverdatabas; "
            f"sätt {DEMO_ENV}=1 och kör python -m sources.demo om du vill ha demoläge."
        )
    else:
        if args.rebuild:
            # In place, through the store (issue 17): a running app keeps its file and sees
            # the new data version on its next rerun.
            reset_data(store, user="demo")
        n = load_demo(store)
        print(f"Demodata inläst: {n} observationer (syntetiska värden).")

    public = load_public(store)
    print(
        f"Verklig offentlig statistik inläst bredvid demodata: {sum(b.rows for b in public)} "
        f"värden från SCB och Skolverket ({len(public)} filer, data/public/PROVENANCE.md)."
    )
    publish(store)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
