"""A national-scale store built through the product's own import functions (benchmarks only).

6 000 small areas (``stadsdel`` level) under 300 districts under one municipality, 11 years,
the 25 indicators of the catalogue: 1 650 000 observations, written with
:func:`store.areas.sync_areas` and :func:`store.observations.write_observations` (one batch,
as an import would). Fixed seed; about 2 % of cells are missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from catalogue import load_catalogue
from store.areas import sync_areas
from store.observations import write_observations

N_AREAS = 6_000
N_DISTRICTS = 300
YEARS = tuple(str(year) for year in range(2015, 2026))
SEED = 20251203
MISSING_SHARE = 0.02
MUNICIPALITY = "0000"


def national_areas() -> pd.DataFrame:
    """Area table: one municipality, 300 districts, 6 000 small areas.

    >>> national_areas()["level"].value_counts().to_dict()
    {'stadsdel': 6000, 'district': 300, 'municipality': 1}
    """
    rows = [(MUNICIPALITY, "Riket (syntetiskt)", "municipality", None)]
    rows += [(f"D{d:03d}", f"Distrikt {d}", "district", MUNICIPALITY) for d in range(N_DISTRICTS)]
    rows += [
        (f"S{a:05d}", f"Område {a}", "stadsdel", f"D{a % N_DISTRICTS:03d}") for a in range(N_AREAS)
    ]
    frame = pd.DataFrame(rows, columns=["code", "name", "level", "parent_code"])
    return frame.assign(name_en=None, official_name=None, focus=0, sort_order=range(len(frame)))


def national_observations(*, seed: int = SEED) -> pd.DataFrame:
    """Observation rows (``measure_id, area_code, period, count, denominator, value``) for
    every catalogue indicator × small area × year.

    >>> len(national_observations())
    1650000
    """

    catalogue = list(load_catalogue().values())
    rng = np.random.default_rng(seed)
    n_ind, n_years = len(catalogue), len(YEARS)
    shape = (n_ind, N_AREAS, n_years)
    population = rng.lognormal(mean=7.2, sigma=0.6, size=(1, N_AREAS, 1))
    denominator = np.rint(population * rng.uniform(0.05, 1.0, size=(n_ind, 1, 1)))
    denominator = np.maximum(denominator * rng.uniform(0.95, 1.05, size=shape), 10).round()
    kinds = np.array([i.kind for i in catalogue])
    level = np.where(kinds == "proportion", rng.uniform(0.03, 0.4, n_ind), 0.02)[:, None, None]
    drift = (1 + rng.normal(0, 0.03, size=(n_ind, N_AREAS, 1))) ** np.arange(n_years)
    expected = np.clip(level * rng.lognormal(0.0, 0.3, size=(n_ind, N_AREAS, 1)) * drift, 0, 0.95)
    count = rng.binomial(denominator.astype(np.int64), expected).astype(float)
    mean = kinds == "mean"
    count[mean] = denominator[mean] * rng.normal(220, 20, size=(int(mean.sum()), N_AREAS, n_years))
    denominator[kinds == "count"] = np.nan
    count[rng.random(shape) < MISSING_SHARE] = np.nan
    ind = np.repeat(np.arange(n_ind), N_AREAS * n_years)
    area = np.tile(np.repeat(np.arange(N_AREAS), n_years), n_ind)
    year = np.tile(np.arange(n_years), n_ind * N_AREAS)
    codes = np.array([f"S{a:05d}" for a in range(N_AREAS)], dtype=object)
    return pd.DataFrame(
        {
            "measure_id": np.array([i.id for i in catalogue], dtype=object)[ind],
            "area_code": codes[area],
            "period": np.array(YEARS, dtype=object)[year],
            "count": count.ravel(),
            "denominator": denominator.ravel(),
            "value": np.nan,
        }
    )


def build_national_store(store, *, chunk_rows: int = 200_000) -> int:
    """Sync the national areas and import the national observations as one batch.

    Returns the number of rows loaded.
    """

    sync_areas(store, national_areas())
    obs = national_observations()
    chunks = (obs.iloc[i : i + chunk_rows] for i in range(0, len(obs), chunk_rows))
    result = write_observations(
        store,
        chunks,
        source="benchmark",
        file_name="national.csv",
        checksum=f"national-{SEED}",
        user="bench",
        synthetic=True,
        rows_total=len(obs),
    )
    return result.rows_loaded
