"""Numerator and denominator from stored measures: the input registry.

:func:`indicator_inputs` turns store observations (``measure_id, area_code, period, count,
denominator, value``) into ``area_code, period, numerator, denominator`` for one indicator,
by the input its YAML names (declared in :data:`catalogue.inputs.INPUTS`):

* ``ratio`` (default): rows whose ``measure_id`` equals the indicator id; numerator =
  ``count``, denominator = ``denominator``. For kind ``mean`` the stored ``count`` is the
  *sum* of the scores (e.g. the sum of merit values) and ``denominator`` the number of
  pupils; a row that only has ``value`` (the mean) and ``denominator`` gets numerator =
  ``value * denominator``. For kind ``count`` the denominator is usually empty (NaN).
* ``population_denominator``: as ``ratio``, but a row without a denominator takes the
  population measure (:data:`catalogue.POPULATION_MEASURES`) of the same area and period, or
  of the same calendar year (the first four characters of the period) when the population
  is stored per year and the indicator per term or month.
* any other name: the function registered under that name in the family module
  (``indicators/<family>.py``; :mod:`indicators` imports every family module, so they are
  all registered once the package is imported).

The value shown is ``numerator / denominator * multiplier`` (``numerator`` for counts);
intervals, benchmarks and suppression are computed downstream from these two columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from catalogue import INPUTS, Indicator, get_indicator, load_catalogue
from common.errors import UserError

__all__ = [
    "INPUT_COLUMNS",
    "RegisteredInput",
    "catalogue_inputs",
    "indicator_inputs",
    "plain_ratio_inputs",
    "population_denominator_inputs",
    "register_input",
    "registered_inputs",
    "with_population_denominator",
    "joint_codes",
    "text_codes",
]

INPUT_COLUMNS = ["area_code", "period", "numerator", "denominator"]
_OBSERVATION_COLUMNS = ("measure_id", "area_code", "period", "count", "denominator")

InputFunction = Callable[[Indicator, pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class RegisteredInput:
    """A named way of getting numerator and denominator from stored measures."""

    name: str
    function: InputFunction

    @property
    def reads(self) -> Mapping[str, str]:
        """Stored measures read besides the indicator's own id (declared in the catalogue)."""
        return INPUTS[self.name].reads

    @property
    def requires_population(self) -> bool:
        """True if the indicator must name a ``population_measure``."""
        return INPUTS[self.name].requires_population


_INPUTS: dict[str, RegisteredInput] = {}


def register_input(name: str) -> Callable[[InputFunction], InputFunction]:
    """Register ``function(indicator, observations) -> DataFrame[INPUT_COLUMNS]`` as ``name``.

    ``name`` must be declared in :data:`catalogue.inputs.INPUTS`, which says which stored
    measures it reads besides the indicator's own id (so that the importer accepts them) and
    whether indicators using it must name a ``population_measure``.

    Examples
    --------
    >>> @register_input("no_such_input")
    ... def doubled(indicator, observations):
    ...     return plain_ratio_inputs(indicator, observations)
    Traceback (most recent call last):
    ...
    ValueError: input 'no_such_input' is not declared in catalogue.inputs.INPUTS
    >>> register_input("ratio")(plain_ratio_inputs) is plain_ratio_inputs  # same function: ok
    True
    """

    def decorate(function: InputFunction) -> InputFunction:
        if name not in INPUTS:
            raise ValueError(f"input {name!r} is not declared in catalogue.inputs.INPUTS")
        existing = _INPUTS.get(name)
        if existing is not None and _qualified(existing.function) != _qualified(function):
            raise ValueError(
                f"input {name!r} is already registered by {_qualified(existing.function)}"
            )
        _INPUTS[name] = RegisteredInput(name=name, function=function)
        return function

    return decorate


def _qualified(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def registered_inputs() -> Mapping[str, RegisteredInput]:
    """All registered input functions (every family module is imported with the package).

    Examples
    --------
    >>> sorted(registered_inputs())[:2]
    ['in_and_out_migrations', 'ineligible_from_eligible']
    """
    return MappingProxyType(dict(_INPUTS))


def _as_float(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _check_observations(observations: pd.DataFrame) -> None:
    missing = [c for c in _OBSERVATION_COLUMNS if c not in observations.columns]
    if missing:
        raise ValueError(f"observations lack columns: {', '.join(missing)}")


@register_input("ratio")
def plain_ratio_inputs(indicator: Indicator, observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator = ``count``, denominator = ``denominator`` of rows with measure_id == id.

    For kind ``mean`` a row without ``count`` gets ``value * denominator`` (the sum of
    scores recovered from the mean).

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["meritvarde_ak9"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [None], "denominator": [20.0],
    ...                     "value": [230.5]})
    >>> plain_ratio_inputs(get_indicator("meritvarde_ak9"), obs).values.tolist()
    [['A', '2024', 4610.0, 20.0]]
    """
    rows = observations.loc[observations["measure_id"] == indicator.id]
    numerator = _as_float(rows["count"])
    denominator = _as_float(rows["denominator"])
    if indicator.kind == "mean" and "value" in rows.columns:
        from_mean = _as_float(rows["value"]) * denominator
        numerator = np.where(np.isnan(numerator), from_mean, numerator)
    out = rows[["area_code", "period"]].reset_index(drop=True)
    out["numerator"] = numerator
    out["denominator"] = denominator
    return out


def with_population_denominator(
    inputs: pd.DataFrame, observations: pd.DataFrame, *, population_measure: str
) -> pd.DataFrame:
    """Fill missing denominators from a stored population measure.

    The population of the same area and period is used; failing that, the population
    stored for the same area and calendar year (a period's first four characters), so
    monthly or termly counts can use a yearly population. A denominator already present
    is kept; a population that is missing stays NaN (never guessed from other years).
    The population is the row's ``count``, or ``value`` when ``count`` is empty.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["pop_total"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [1500.0], "denominator": [None]})
    >>> inputs = pd.DataFrame({"area_code": ["A", "A"], "period": ["2024-03", "2025"],
    ...                        "numerator": [3.0, 4.0], "denominator": [np.nan, np.nan]})
    >>> with_population_denominator(inputs, obs, population_measure="pop_total")[
    ...     "denominator"].tolist()
    [1500.0, nan]
    """
    rows = observations.loc[observations["measure_id"] == population_measure]
    population = _as_float(rows["count"])
    if "value" in rows.columns:
        population = np.where(np.isnan(population), _as_float(rows["value"]), population)
    # Integer keys (area × period) on both sides, no string merge (docs/published.md "Speed").
    area_in, area_pop = joint_codes(inputs["area_code"], rows["area_code"])
    period_pop, periods = text_codes(rows["period"])
    period_in, in_periods = text_codes(inputs["period"])
    n_periods = max(len(periods), 1)
    at = periods.get_indexer(in_periods)
    at_year = periods.get_indexer(pd.Index(in_periods.str[:4]))
    pop_key = area_pop * n_periods + period_pop
    # The last stored row of a key wins (as drop_duplicates(keep="last")).
    keys, first_reversed = np.unique(pop_key[::-1], return_index=True)
    values = population[::-1][first_reversed]

    def lookup(period_code: np.ndarray) -> np.ndarray:
        key = area_in * n_periods + period_code
        if not len(keys):
            return np.full(len(key), np.nan)
        pos = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        hit = (area_in >= 0) & (period_code >= 0) & (keys[pos] == key)
        return np.where(hit, values[pos], np.nan)

    exact = lookup(np.where(period_in >= 0, at[np.maximum(period_in, 0)], -1))
    by_year = lookup(np.where(period_in >= 0, at_year[np.maximum(period_in, 0)], -1))
    fallback = np.where(np.isnan(exact), by_year, exact)
    denominator = _as_float(inputs["denominator"])
    out = inputs.reset_index(drop=True).copy()
    out["denominator"] = np.where(np.isnan(denominator), fallback, denominator)
    return out


def text_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a key column read as text, and the distinct texts (a categorical's
    own codes and categories; -1 for a missing value).

    >>> codes, texts = text_codes(pd.Series(["2024", "2023", "2024"]))
    >>> codes.tolist(), texts.tolist()
    ([0, 1, 0], ['2024', '2023'])
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = pd.Index(column.cat.categories.astype(str), dtype=object)
        return column.cat.codes.to_numpy().astype(np.int64), categories
    codes, texts = pd.factorize(column.astype(str).where(column.notna(), None))
    return codes.astype(np.int64), pd.Index(np.asarray(texts, dtype=object))


def joint_codes(left: pd.Series, right: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of two key columns in one code space (equal values, equal codes; -1 missing):
    the categorical codes when both share one categorical dtype, else one factorisation.

    >>> [c.tolist() for c in joint_codes(pd.Series(["A", "B"]), pd.Series(["B", "C"]))]
    [[0, 1], [1, 2]]
    """
    if isinstance(left.dtype, pd.CategoricalDtype) and left.dtype == right.dtype:
        return (
            left.cat.codes.to_numpy().astype(np.int64),
            right.cat.codes.to_numpy().astype(np.int64),
        )
    both = np.concatenate(
        [left.to_numpy(dtype=object, na_value=None), right.to_numpy(dtype=object, na_value=None)]
    )
    codes, _ = pd.factorize(both)
    return codes[: len(left)].astype(np.int64), codes[len(left) :].astype(np.int64)


@register_input("population_denominator")
def population_denominator_inputs(indicator: Indicator, observations: pd.DataFrame) -> pd.DataFrame:
    """Plain ratio; a row without denominator takes ``indicator.population_measure``.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["personran", "pop_total"], "area_code": ["A", "A"],
    ...                     "period": ["2024", "2024"], "count": [6.0, 3000.0],
    ...                     "denominator": [None, None]})
    >>> population_denominator_inputs(get_indicator("personran"), obs).values.tolist()
    [['A', '2024', 6.0, 3000.0]]
    """
    if indicator.population_measure is None:
        raise UserError(
            f"Indikatorn '{indicator.id}' saknar population_measure.", column="population_measure"
        )
    return with_population_denominator(
        plain_ratio_inputs(indicator, observations),
        observations,
        population_measure=indicator.population_measure,
    )


def indicator_inputs(indicator: Indicator | str, observations: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator per area and period for one indicator.

    ``observations`` are store rows (``measure_id, area_code, period, count, denominator``
    and optionally ``value``), e.g. from ``store.observations.read_observations``. The
    indicator's ``input`` decides how (see the module docstring). Returns
    :data:`INPUT_COLUMNS`, sorted by area and period; NaN where a part is unknown.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["problematisk_franvaro", "other"],
    ...                     "area_code": ["A", "A"], "period": ["2024VT", "2024VT"],
    ...                     "count": [12.0, 1.0], "denominator": [80.0, 2.0]})
    >>> indicator_inputs("problematisk_franvaro", obs)
      area_code  period  numerator  denominator
    0         A  2024VT       12.0         80.0
    """
    if isinstance(indicator, str):
        indicator = get_indicator(indicator)
    _check_observations(observations)
    registered = registered_inputs().get(indicator.input)
    if registered is None:
        raise UserError(
            f"Okänd inmatningsfunktion '{indicator.input}' för '{indicator.id}'.", column="input"
        )
    result = registered.function(indicator, observations)
    result = result[INPUT_COLUMNS].astype({"numerator": "float64", "denominator": "float64"})
    return result.sort_values(["area_code", "period"], kind="stable", ignore_index=True)


def catalogue_inputs(
    observations: pd.DataFrame,
    *,
    family: str | None = None,
    catalogue: Mapping[str, Indicator] | None = None,
) -> pd.DataFrame:
    """:func:`indicator_inputs` for every indicator (of one family), stacked long.

    Columns ``indicator_id`` + :data:`INPUT_COLUMNS`; indicators without rows are absent.

    Examples
    --------
    >>> obs = pd.DataFrame({"measure_id": ["skadegorelse"], "area_code": ["A"],
    ...                     "period": ["2024"], "count": [9.0], "denominator": [2000.0]})
    >>> catalogue_inputs(obs, family="public_space")["indicator_id"].tolist()
    ['skadegorelse']
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    frames = [
        indicator_inputs(ind, observations).assign(indicator_id=ind.id)
        for ind in catalogue.values()
        if family is None or ind.family == family
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if c in ("numerator", "denominator") else "str")
                for c in ["indicator_id", *INPUT_COLUMNS]
            }
        )
    return pd.concat(frames, ignore_index=True)[["indicator_id", *INPUT_COLUMNS]]
