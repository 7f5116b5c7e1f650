"""Class breaks for choropleth maps: one dispatcher over mapclassify's schemes.

Robust to what small-area data looks like: missing values (class −1, drawn grey), fewer
distinct values than classes (fewer classes), and all values equal (one class).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import mapclassify
import numpy as np

from common.errors import UserError

SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
#: Above this many values natural breaks are computed on a fixed-seed sample (Fisher-Jenks is
#: O(k·n²) in pure Python without numba).
NATURAL_BREAKS_MAX_SAMPLE = 500


@dataclass(frozen=True)
class ClassBreaks:
    """Result of :func:`class_breaks`.

    Attributes
    ----------
    bins : numpy.ndarray
        Upper bounds of the classes, ascending; the last one is the maximum.  Class ``i`` holds
        values ``bins[i-1] < v <= bins[i]`` (class 0: ``minimum <= v <= bins[0]``).
    classes : numpy.ndarray of int
        Class index of each input value; −1 for missing (NaN or infinite) values.
    minimum : float
        Smallest value (NaN when there are no values).
    scheme : str
    k : int
        Number of classes actually formed (≤ the k asked for).
    """

    bins: np.ndarray
    classes: np.ndarray
    minimum: float
    scheme: str
    k: int

    def counts(self) -> np.ndarray:
        """Number of values in each class."""
        return np.bincount(self.classes[self.classes >= 0], minlength=self.k)


def _fisher_jenks(values: np.ndarray, k: int) -> np.ndarray:
    if values.size > NATURAL_BREAKS_MAX_SAMPLE:
        rng = np.random.default_rng(0)  # fixed seed: the same data always gets the same map
        sample = rng.choice(values, NATURAL_BREAKS_MAX_SAMPLE, replace=False)
        values = np.concatenate([sample, [values.min(), values.max()]])
        k = min(k, np.unique(values).size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed": the pure Python path is fine
        return mapclassify.FisherJenks(values, k=k).bins


def _quantiles(values: np.ndarray, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate quantiles are merged below
        return mapclassify.Quantiles(values, k=k).bins


def _equal_interval(values: np.ndarray, k: int) -> np.ndarray:
    return mapclassify.EqualInterval(values, k=k).bins


_CLASSIFIERS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "quantiles": _quantiles,
    "natural_breaks": _fisher_jenks,
    "equal_interval": _equal_interval,
}


def class_breaks(
    values, *, scheme: str = "quantiles", k: int = 5, decimals: int | None = None
) -> ClassBreaks:
    """Classify values into at most ``k`` classes for a map.

    Parameters
    ----------
    values : array-like of float
        May contain NaN (class −1).
    scheme : {"quantiles", "natural_breaks", "equal_interval"}
        ``natural_breaks`` is Fisher-Jenks (the optimal, deterministic form of Jenks).
    k : int
        Classes wanted; fewer are formed when there are fewer distinct values.
    decimals : int, optional
        Round the class bounds to the precision the legend shows and merge bounds that become
        equal, so no legend class reads "0,0–0,0".

    Examples
    --------
    >>> b = class_breaks([1, 2, 3, 4, float("nan")], scheme="equal_interval", k=2)
    >>> b.bins.tolist(), b.classes.tolist()
    ([2.5, 4.0], [0, 0, 1, 1, -1])
    >>> class_breaks([7, 7, 7], k=5).classes.tolist()
    [0, 0, 0]
    """
    if scheme not in _CLASSIFIERS:
        raise UserError(
            f"Okänd klassindelning '{scheme}' (tillåtna: {', '.join(SCHEMES)})",
            message_en=f"Unknown classification scheme '{scheme}'",
        )
    if int(k) != k or k < 1:
        raise UserError(f"Antalet klasser ska vara ett positivt heltal, inte {k}")
    v = np.asarray(values, dtype=float).ravel()
    finite = np.isfinite(v)
    classes = np.full(v.size, -1, dtype=np.int64)
    if not finite.any():
        return ClassBreaks(np.array([], dtype=float), classes, float("nan"), scheme, 0)
    present = v[finite]
    distinct = np.unique(present)
    k_used = min(int(k), distinct.size)
    if k_used == 1:
        bins = distinct[-1:]
    else:
        bins = np.unique(np.asarray(_CLASSIFIERS[scheme](present, k_used), dtype=float))
        if decimals is not None:
            bins = np.unique(np.round(bins, decimals))
            bins = bins[bins >= distinct[0]]
        bins = bins[bins < distinct[-1]]
        bins = np.append(bins, distinct[-1])
    classes[finite] = np.searchsorted(bins, present, side="left")
    return ClassBreaks(bins, classes, float(distinct[0]), scheme, int(bins.size))


def _swedish_number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def legend_labels(
    breaks: ClassBreaks,
    *,
    decimals: int = 1,
    number_format: Callable[[float], str] | None = None,
) -> list[str]:
    """One label per class, ``"lower–upper"`` with Swedish decimal commas by default.

    Examples
    --------
    >>> legend_labels(class_breaks([1, 2, 3, 4], scheme="equal_interval", k=2))
    ['1,0–2,5', '2,5–4,0']
    >>> legend_labels(class_breaks([0, 0, 0.01, 0.02, 5], scheme="quantiles", k=3, decimals=1))
    ['0,0', '0,0–5,0']
    """
    fmt = number_format or (lambda value: _swedish_number(value, decimals))
    lowers = [breaks.minimum, *breaks.bins[:-1].tolist()]
    labels = []
    for lo, hi in zip(lowers, breaks.bins.tolist(), strict=True):
        a, b = fmt(lo), fmt(hi)
        # a class whose ends look the same ("0,0–0,0") is shown as one value
        labels.append(a if a == b else f"{a}–{b}")
    return labels
