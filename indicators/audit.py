"""Attacker audit of a published table (docs/disclosure.md §4).

An attacker who sees a published table knows every published number, that every additive
line holds (a parent area is the sum of its child areas, a year the sum of its terms),
that counts are non-negative integers and that a numerator never exceeds its denominator
(proportions).  :func:`audit` computes, for every hidden cell, the smallest and largest
value consistent with all of that -- exactly, with integer programming
(:func:`scipy.optimize.milp`) -- and says whether a hidden *sensitive* cell is pinned
narrower than its protection interval:

* the cell's value ``x`` must stay possible up to ``x + (threshold - 1)`` (upper
  protection) and down to ``x - min(x, threshold - 1)`` (lower protection), so the attacker
  can tell neither "how few" nor, for a small count, "whether any at all".

The sensitive quantity of a cell follows the primary rule that hid it
(:func:`sensitive_quantities`): the numerator for small counts and x = 0 of a small
group; the complement ``denominator - numerator`` for "nearly all" and x = n of a small
group; the denominator for the denominator rule.

Speed: only hidden rows are looked at.  They are split into independent components (hidden
cells joined by a line they share; when no hidden cell is hidden in two lines the components
are the lines, no graph needed).  A component that is one line is solved in closed form (the
bounds of a single sum of non-negative integers; exact) with a few whole-array operations,
every other component with small MILPs -- two per wanted quantity, over every hidden cell of
the component, each skipped where an integer solution already found shows the protection
interval is met (``threshold=``, what :func:`indicators.disclosure.protect` uses) or, for a
lower bound, already sits at the least value the quantity can take (exact).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from catalogue import load_catalogue
from common.errors import UserError

__all__ = [
    "AUDIT_COLUMNS",
    "KINDS",
    "QUANTITIES",
    "audit",
    "read_published_csv",
    "reason_constraints",
    "sensitive_quantities",
    "summary_text",
]

KINDS: tuple[str, ...] = ("proportion", "rate", "mean", "count")
"""Indicator kinds the rules know about (see the indicator catalogue)."""

QUANTITIES: tuple[str, ...] = ("numerator", "denominator", "complement")
"""What of a hidden cell the audit bounds; ``complement`` = denominator - numerator."""

AUDIT_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "area_code",
    "period",
    "quantity",
    "lower",
    "upper",
    "value",
    "sensitive",
    "needed_lower",
    "needed_upper",
    "pinned",
)

SYMBOL_FILE = ".."
"""A hidden value in an exported file."""

_KEY_COLUMNS: tuple[str, ...] = ("indicator_id", "kind", "area_code", "period")
_REQUIRED_COLUMNS: tuple[str, ...] = (*_KEY_COLUMNS, "numerator", "denominator")
_SMALL_COUNT_KINDS = frozenset({"proportion", "rate", "count"})
_COMPLEMENT_KINDS = frozenset({"proportion"})
_DENOMINATOR_KINDS = frozenset({"proportion", "rate", "mean"})
# Which quantities exist per kind.  The numerator of a mean is a sum of scores, not people:
# no rule protects it, and it is tied to nothing the audit bounds, so it is left out.
_HAS_NUMERATOR = _SMALL_COUNT_KINDS
_HAS_DENOMINATOR = _DENOMINATOR_KINDS
_NUM, _DEN, _COMP = range(3)


# --- keys and lines -------------------------------------------------------------------------


def encode_keys(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Integer codes per key column; codes follow sorted order, so ties break by name."""
    missing = [c for c in _REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(
            f"Tabellen saknar kolumn(er) som röjandekontrollen behöver: {', '.join(missing)}",
            column=missing[0],
            message_en=f"table lacks columns needed for disclosure control: {missing}",
        )
    codes: dict[str, np.ndarray] = {}
    for column, short in zip(_KEY_COLUMNS, ("indicator", "kind", "area", "period"), strict=True):
        column_codes, names = pd.factorize(table[column], sort=True)
        if (column_codes < 0).any():
            position = int(np.flatnonzero(column_codes < 0)[0])
            raise UserError(
                "Värde saknas",
                row=position + 1,
                column=column,
                message_en=f"missing value in column {column}",
            )
        codes[short] = column_codes
        codes[f"{short}_names"] = np.asarray(names, dtype=object)
    unknown = [k for k in codes["kind_names"] if k not in KINDS]
    if unknown:
        raise UserError(
            f"Okänd indikatortyp {unknown[0]!r}; tillåtna: {', '.join(KINDS)}",
            column="kind",
            message_en=f"unknown indicator kind {unknown[0]!r}",
        )
    _refuse_duplicate_keys(codes)
    return codes


def _refuse_duplicate_keys(codes: Mapping[str, np.ndarray]) -> None:
    # Two rows for one cell would count twice in a line.
    n_periods, n_areas = len(codes["period_names"]), len(codes["area_names"])
    key = (codes["indicator"].astype(np.int64) * n_periods + codes["period"]) * n_areas
    key += codes["area"]
    n_keys = len(codes["indicator_names"]) * n_periods * n_areas
    if n_keys <= 4 * len(key) + 1024:  # dense keys: one bincount, no sort
        counts = np.bincount(key, minlength=n_keys)
        duplicated = counts[key] > 1
    else:
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        duplicated = counts[inverse] > 1
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        position = int(rows[0])
        cell = (
            f"{codes['indicator_names'][codes['indicator'][position]]}, "
            f"{codes['area_names'][codes['area'][position]]}, "
            f"{codes['period_names'][codes['period'][position]]}"
        )
        raise UserError(
            f"Samma indikator, område och period förekommer flera gånger ({cell}; "
            f"{len(rows)} rader)",
            row=position + 1,
            message_en=f"indicator, area and period occur more than once ({cell})",
        )


def _told_rows(problem: Problem, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (hidden) a published reason says something about."""
    told = np.zeros(len(rows), dtype=bool)
    if problem.told is not None:
        told |= np.isfinite(problem.told[rows]).any(axis=1)
    if problem.not_small is not None:
        told |= problem.not_small[rows]
    return told


def kind_mask(codes: Mapping[str, np.ndarray], kinds: frozenset[str]) -> np.ndarray:
    """Rows whose kind is in ``kinds``."""
    return np.array([k in kinds for k in codes["kind_names"]], dtype=bool)[codes["kind"]]


@dataclass
class Lines:
    """Membership of rows in additive lines: ``row[i]`` is in line ``line[i]``, as its
    parent (total) when ``parent[i]``.  ``has_parent[l]``: the line's total is a row."""

    row: np.ndarray
    line: np.ndarray
    parent: np.ndarray
    n_lines: int
    has_parent: np.ndarray


def build_lines(
    codes: Mapping[str, np.ndarray],
    *,
    area_parent: Mapping[str, str] | None,
    period_parent: Mapping[str, str] | None,
) -> Lines:
    """Every line (parent + children) as flat membership arrays.

    Area lines are keyed (indicator, period, parent area), period lines (indicator, area,
    parent period); keys are dense integer ranges.  A line exists even if its parent row is
    absent (the total may be published elsewhere); one-member lines relate nothing and go.
    """
    n_indicators = len(codes["indicator_names"])
    n_periods, n_areas = len(codes["period_names"]), len(codes["area_names"])
    rows_parts: list[np.ndarray] = []
    lines_parts: list[np.ndarray] = []
    parent_parts: list[np.ndarray] = []
    offset = 0
    dimensions = (
        (
            "area",
            area_parent,
            codes["indicator"].astype(np.int64) * n_periods + codes["period"],
            n_indicators * n_periods,
            "område",
        ),
        (
            "period",
            period_parent,
            codes["indicator"].astype(np.int64) * n_areas + codes["area"],
            n_indicators * n_areas,
            "period",
        ),
    )
    for name, parent_of, group, n_groups, label in dimensions:
        if not parent_of:
            continue
        names: Sequence[object] = codes[f"{name}_names"]
        self_parented = [child for child, parent in parent_of.items() if child == parent]
        if self_parented:
            raise UserError(
                f"{label.capitalize()} {self_parented[0]!r} anges som överordnad till sig själv",
                message_en=f"{name} {self_parented[0]!r} is given as its own parent",
            )
        parents = {p: i for i, p in enumerate(sorted(set(parent_of.values()), key=str))}
        n_parents = len(parents)
        as_child = np.array([parents.get(parent_of.get(n), -1) for n in names], dtype=np.int64)
        as_parent = np.array([parents.get(n, -1) for n in names], dtype=np.int64)
        for per_name, is_parent in ((as_child, False), (as_parent, True)):
            parent_index = per_name[codes[name]]
            member = np.flatnonzero(parent_index >= 0)
            rows_parts.append(member)
            lines_parts.append(offset + group[member] * n_parents + parent_index[member])
            parent_parts.append(np.full(len(member), is_parent))
        offset += n_groups * n_parents

    if not rows_parts:
        empty = np.zeros(0, dtype=np.int64)
        return Lines(empty, empty, np.zeros(0, dtype=bool), 0, np.zeros(0, dtype=bool))
    row = np.concatenate(rows_parts)
    line = np.concatenate(lines_parts)
    parent = np.concatenate(parent_parts)
    size = np.bincount(line, minlength=offset)
    real = size[line] >= 2
    row, line, parent = row[real], line[real], parent[real]
    # Renumber the real lines densely (keys are a dense range: no sort needed).
    kept = size >= 2
    number = np.cumsum(kept) - 1
    line = number[line]
    n_used = int(kept.sum())
    has_parent = np.bincount(line[parent], minlength=n_used) > 0
    return Lines(row, line, parent, n_used, has_parent)


# --- what is sensitive ----------------------------------------------------------------------


def sensitive_quantities(
    codes: Mapping[str, np.ndarray],
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    threshold: int,
    min_denominator: int,
    min_group: int,
) -> np.ndarray:
    """Boolean (rows × 3): which of numerator, denominator, complement a primary rule protects.

    * small count: numerator 1 .. threshold-1 (proportion, rate, count);
    * whole group, none: numerator 0 of a proportion whose group is under ``min_group``;
    * nearly all: complement 1 .. threshold-1 (proportion);
    * whole group, all: complement 0 of a proportion whose group is under ``min_group``;
    * small base: denominator under ``min_denominator`` (proportion, rate, mean).

    NaN never triggers.  Non-integer numerators between 0 and 1 count as small.
    """
    counted = kind_mask(codes, _SMALL_COUNT_KINDS)
    proportion = kind_mask(codes, _COMPLEMENT_KINDS)
    based = kind_mask(codes, _DENOMINATOR_KINDS)
    complement = denominator - numerator
    with np.errstate(invalid="ignore"):
        small_group = (denominator > 0) & (denominator < min_group)
        sensitive = np.zeros((len(numerator), 3), dtype=bool)
        sensitive[:, _NUM] = (counted & (numerator > 0) & (numerator < threshold)) | (
            proportion & small_group & (numerator == 0)
        )
        sensitive[:, _COMP] = proportion & (
            ((complement > 0) & (complement < threshold)) | (small_group & (complement == 0))
        )
        sensitive[:, _DEN] = based & (denominator < min_denominator)
    return sensitive


# --- bounds -----------------------------------------------------------------------------------


@dataclass
class Problem:
    """Everything the bounds need, as arrays over the table's rows."""

    codes: Mapping[str, np.ndarray]
    lines: Lines
    hidden: np.ndarray
    numerator: np.ndarray  # true (protect) or published (audit) values; NaN where unknown
    denominator: np.ndarray
    has: np.ndarray  # rows × 2: has numerator / denominator quantity
    coupled: np.ndarray  # numerator <= denominator (proportions)
    residual: np.ndarray  # lines × 2: sum(children) - parent as the attacker assumes (0)
    told: np.ndarray | None = None  # rows × 6: what published reasons say (lo/hi per quantity)
    not_small: np.ndarray | None = None  # rows: "protects another" ⇒ numerator 0 or ≥ t
    threshold: int = 5
    _integral: np.ndarray | None = None

    def integral(self) -> np.ndarray:
        """(2,): whether every numerator / denominator is a whole number (then the attacker
        knows the hidden ones are integers too).  Computed once, when a MILP needs it."""
        if self._integral is None:
            self._integral = np.array(
                [_all_whole(self.numerator), _all_whole(self.denominator)], dtype=bool
            )
        return self._integral


def _all_whole(values: np.ndarray) -> bool:
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.isnan(values) | (np.floor(values) == values)))


def make_problem(
    codes: Mapping[str, np.ndarray],
    lines: Lines,
    hidden: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
) -> Problem:
    """Assemble the attacker's system (lines, coupling, integrality)."""
    has = np.stack([kind_mask(codes, _HAS_NUMERATOR), kind_mask(codes, _HAS_DENOMINATOR)], axis=1)
    coupled = kind_mask(codes, _COMPLEMENT_KINDS)
    # The attacker assumes every line with a hidden member adds up exactly (the engine's
    # roll-ups make it so); a line whose members are all published shows what it shows.
    residual = np.zeros((lines.n_lines, 2))
    return Problem(
        codes=codes,
        lines=lines,
        hidden=hidden,
        numerator=numerator,
        denominator=denominator,
        has=has,
        coupled=coupled,
        residual=residual,
    )


@dataclass
class _Components:
    """Hidden rows (``rows``, ascending) and how they hang together through lines with a
    total row.  Per hidden row (same order): ``label`` of its component, ``degree`` (how
    many such lines it is hidden in) and, where the degree is 1, ``line`` and whether it is
    that line's ``total``.  Per line: ``hidden_in_line`` and whether its ``total_hidden``."""

    rows: np.ndarray
    label: np.ndarray
    degree: np.ndarray
    line: np.ndarray
    total: np.ndarray
    hidden_in_line: np.ndarray
    total_hidden: np.ndarray


def _components(problem: Problem) -> _Components:
    lines, hidden = problem.lines, problem.hidden
    rows = np.flatnonzero(hidden)
    position = np.full(len(hidden), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    keep = hidden[lines.row] & lines.has_parent[lines.line]
    member = position[lines.row[keep]]
    line = lines.line[keep]
    degree = np.bincount(member, minlength=len(rows))
    hidden_in_line = np.bincount(line, minlength=lines.n_lines).astype(np.int64)
    line_of = np.full(len(rows), -1, dtype=np.int64)
    line_of[member] = line
    total = np.zeros(len(rows), dtype=bool)
    total[member] = lines.parent[keep]
    total_hidden = np.zeros(lines.n_lines, dtype=bool)
    total_hidden[line[lines.parent[keep]]] = True
    if len(rows) == 0 or degree.max() <= 1:
        # Every hidden row is in at most one line: the components are the lines (no graph).
        label = np.where(degree == 1, line_of, lines.n_lines + np.arange(len(rows)))
    else:
        # Rows and lines as nodes; connected components of hidden rows through lines.
        n = len(rows) + lines.n_lines
        graph = sparse.coo_matrix((np.ones(len(member)), (member, len(rows) + line)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        label = labels[: len(rows)]
    return _Components(rows, label, degree, line_of, total, hidden_in_line, total_hidden)


def _quantity_values(problem: Problem, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
    """True/published value per row and quantity (rows × 3)."""
    numerator, denominator = problem.numerator[rows], problem.denominator[rows]
    return np.stack([numerator, denominator, denominator - numerator], axis=1)


def _exists(problem: Problem, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
    has = problem.has[rows]
    coupled = problem.coupled[rows]
    return np.stack([has[:, 0], has[:, 1], coupled & has[:, 0] & has[:, 1]], axis=1)


def bounds(
    problem: Problem,
    *,
    wanted: np.ndarray | None = None,
    threshold: int | None = None,
    closed_form: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attacker's lower and upper bound of the ``wanted`` quantities of every hidden row.

    Returns ``(rows, lower, upper)``: the hidden rows (ascending) and their bounds
    (len(rows) × 3; NaN where not wanted or the row has no such quantity).  ``wanted``
    (table rows × 3) defaults to everything.

    With ``threshold``, the bounds only need to decide pass/fail against each wanted
    quantity's protection interval (:func:`needed_interval` of its true value): a MILP
    direction is skipped once an integer solution already found reaches the target (the
    bound is then reported as that target).  Otherwise bounds are exact.

    Components that are one line are solved in closed form (exact, no solver); only
    components joined through two or more lines go to the integer program.
    """
    comps = _components(problem)
    rows = comps.rows
    want = _exists(problem, rows)
    if wanted is not None:
        want &= wanted[rows]
    lower = np.full((len(rows), 3), np.nan)
    upper = np.full((len(rows), 3), np.nan)
    if not want.any():
        return rows, lower, upper
    told = _told_rows(problem, rows)
    degree, label = comps.degree, comps.label
    # Hidden rows in no line with a total: nothing ties them down.
    free = (degree == 0) & ~told
    lower[free], upper[free] = 0.0, np.inf
    tied = degree > 0
    if closed_form and tied.any():
        # A component is one line when all its rows are hidden in that line only.
        wide = np.zeros(int(label.max()) + 1, dtype=bool)
        wide[label[degree > 1]] = True
        wide[label[told]] = True
        single = tied & ~wide[label]
    else:
        single = np.zeros(len(rows), dtype=bool)
    if single.any():
        _single_line_bounds(problem, comps, single, want, lower, upper)
    # MILP per component with a wanted quantity left, over every hidden row of it (a told
    # row in no line is a component of its own).
    needs = want.any(axis=1) & ~single & ~free
    solve = np.isin(label, label[needs]) & ~free
    for members in _groups(label[solve], np.flatnonzero(solve)):
        _milp_bounds(problem, rows, members, want, threshold, lower, upper)
    lower[~want] = np.nan
    upper[~want] = np.nan
    return rows, lower, upper


def _groups(keys: np.ndarray, items: np.ndarray) -> list[np.ndarray]:
    """``items`` split by equal ``keys`` (in key order)."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cut = np.flatnonzero(np.diff(keys[order])) + 1
    return np.split(items[order], cut)


def _single_line_bounds(
    problem: Problem,
    comps: _Components,
    single: np.ndarray,
    want: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> None:
    """Closed-form bounds for components that are one line (exact for integers).

    With the total published, the hidden parts share a known sum S: each lies in [0, S]
    (any split is possible with two or more of them; one alone is S).  With the total
    hidden, the total lies in [published parts, ∞) and the hidden parts in [0, ∞).  For a
    proportion the complement behaves the same with S_den - S_num (checked in the tests
    against the MILP).
    """
    lines, hidden = problem.lines, problem.hidden
    index = np.flatnonzero(single & want.any(axis=1))
    line = comps.line[index]
    is_total = comps.total[index]
    n_hidden = comps.hidden_in_line[line]
    # Published members of the lines concerned, with their sign (total -1, parts +1).
    concerned = np.zeros(lines.n_lines, dtype=bool)
    concerned[line] = True
    published = concerned[lines.line] & ~hidden[lines.row]
    p_row, p_line = lines.row[published], lines.line[published]
    sign = np.where(lines.parent[published], -1.0, 1.0)
    total_known = ~comps.total_hidden[line]
    alone = total_known & (n_hidden == 1)
    many = n_hidden > 1
    numerator = np.nan_to_num(problem.numerator[p_row])
    denominator = np.nan_to_num(problem.denominator[p_row])
    for q in range(3):
        if not want[index, q].any():
            continue
        if q == _COMP:
            v = np.nan_to_num(problem.denominator[p_row] - problem.numerator[p_row])
            residual = problem.residual[:, 1] - problem.residual[:, 0]
        else:
            v = numerator if q == _NUM else denominator
            residual = problem.residual[:, q]
        known = np.bincount(p_line, weights=sign * v, minlength=lines.n_lines)
        # Hidden parts - hidden total = residual - known = rest.
        rest = (residual - known)[line]
        # Total published: the hidden parts share rest.  Total hidden: it is at least
        # the published parts (-rest), and unbounded above when parts are hidden with it.
        lower[index, q] = np.where(is_total, -rest, np.where(alone, rest, 0.0))
        upper[index, q] = np.where(
            is_total, np.where(many, np.inf, -rest), np.where(total_known, rest, np.inf)
        )


def _milp_bounds(
    problem: Problem,
    hidden_rows: np.ndarray,
    members: np.ndarray,
    want: np.ndarray,
    threshold: int | None,
    lower: np.ndarray,
    upper: np.ndarray,
) -> None:
    """Exact bounds of one component by integer programming (scipy.optimize.milp/HiGHS).

    ``members`` index ``hidden_rows`` (and ``want``, ``lower``, ``upper``)."""
    rows = hidden_rows[members]
    has = problem.has[rows]
    # Variable index per (row, quantity 0/1).
    var = np.full((len(rows), 2), -1, dtype=np.int64)
    var[has] = np.arange(int(has.sum()))
    n_var = int(has.sum())
    lines = problem.lines
    position = np.full(len(problem.hidden), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    active = lines.has_parent[lines.line]
    touched_lines = np.unique(lines.line[active & (position[lines.row] >= 0)])
    member = np.isin(lines.line, touched_lines)
    m_row, m_parent = lines.row[member], lines.parent[member]
    li = np.searchsorted(touched_lines, lines.line[member])
    sign = np.where(m_parent, -1.0, 1.0)
    m_hidden = problem.hidden[m_row]
    # Every hidden member of a touched line is in this component (that is what joins it).
    m_pos = position[m_row]
    a_rows, a_cols, a_vals = [], [], []
    rhs = np.zeros((len(touched_lines), 2))
    for q in (0, 1):
        v = (problem.numerator if q == 0 else problem.denominator)[m_row]
        m_var = np.where(m_pos >= 0, var[np.maximum(m_pos, 0), q], -1)
        unknown = m_hidden & (m_var >= 0)
        a_rows.append(q * len(touched_lines) + li[unknown])
        a_cols.append(m_var[unknown])
        a_vals.append(sign[unknown])
        known = ~m_hidden & ~np.isnan(v)
        rhs[:, q] = problem.residual[touched_lines, q] - np.bincount(
            li[known], weights=(sign * v)[known], minlength=len(touched_lines)
        )
    a_rows_all, a_cols_all = np.concatenate(a_rows), np.concatenate(a_cols)
    constraints = []
    if len(a_rows_all):
        a = sparse.csr_matrix(
            (np.concatenate(a_vals), (a_rows_all, a_cols_all)),
            shape=(2 * len(touched_lines), max(n_var, 1)),
        )
        b = np.concatenate([rhs[:, 0], rhs[:, 1]])
        used = np.asarray(abs(a).sum(axis=1)).ravel() > 0
        constraints.append(LinearConstraint(a[used], b[used], b[used]))
    coupled = problem.coupled[rows] & has[:, 0] & has[:, 1]
    if coupled.any():
        k = np.flatnonzero(coupled)
        c = sparse.csr_matrix(
            (
                np.concatenate([np.ones(len(k)), -np.ones(len(k))]),
                (np.concatenate([np.arange(len(k))] * 2), np.concatenate([var[k, 0], var[k, 1]])),
            ),
            shape=(len(k), max(n_var, 1)),
        )
        constraints.append(LinearConstraint(c, -np.inf, 0.0))
    integrality = (has & problem.integral()[None, :])[has].astype(np.int64)
    low_box, high_box = np.zeros(n_var), np.full(n_var, np.inf)
    if problem.told is not None:
        told = problem.told[rows]
        for q in (0, 1):
            k = np.flatnonzero(var[:, q] >= 0)
            lo, hi = told[k, 2 * q], told[k, 2 * q + 1]
            low_box[var[k, q]] = np.where(np.isfinite(lo), np.maximum(lo, 0.0), 0.0)
            high_box[var[k, q]] = np.where(np.isfinite(hi), hi, np.inf)
        k = np.flatnonzero((var >= 0).all(axis=1) & np.isfinite(told[:, 4:6]).any(axis=1))
        if len(k):
            c = sparse.csr_matrix(
                (
                    np.concatenate([np.ones(len(k)), -np.ones(len(k))]),
                    (
                        np.concatenate([np.arange(len(k))] * 2),
                        np.concatenate([var[k, 1], var[k, 0]]),
                    ),
                ),
                shape=(len(k), max(n_var, 1)),
            )
            lo, hi = told[k, 4], told[k, 5]
            constraints.append(
                LinearConstraint(
                    c, np.where(np.isfinite(lo), lo, -np.inf), np.where(np.isfinite(hi), hi, np.inf)
                )
            )
    if problem.not_small is not None and problem.not_small[rows].any():
        # numerator = 0 or >= t: one binary b per such cell, t*b <= num <= big*b.
        k = np.flatnonzero(problem.not_small[rows] & (var[:, 0] >= 0))
        if len(k):
            big = 1e7
            n_bin = len(k)
            for con in constraints:
                con.A = sparse.hstack(
                    [sparse.csr_matrix(con.A), sparse.csr_matrix((con.A.shape[0], n_bin))]
                ).tocsr()
            cols = var[k, 0]
            b = n_var + np.arange(n_bin)
            rows_idx = np.arange(n_bin)
            ge = sparse.csr_matrix(
                (
                    np.concatenate([np.ones(n_bin), -float(problem.threshold) * np.ones(n_bin)]),
                    (np.concatenate([rows_idx, rows_idx]), np.concatenate([cols, b])),
                ),
                shape=(n_bin, n_var + n_bin),
            )
            le = sparse.csr_matrix(
                (
                    np.concatenate([np.ones(n_bin), -big * np.ones(n_bin)]),
                    (np.concatenate([rows_idx, rows_idx]), np.concatenate([cols, b])),
                ),
                shape=(n_bin, n_var + n_bin),
            )
            constraints += [LinearConstraint(ge, 0.0, np.inf), LinearConstraint(le, -np.inf, 0.0)]
            integrality = np.concatenate([integrality, np.ones(n_bin, dtype=np.int64)])
            low_box = np.concatenate([low_box, np.zeros(n_bin)])
            high_box = np.concatenate([high_box, np.ones(n_bin)])
    n_all = len(low_box)
    box = Bounds(low_box, high_box)
    relaxation = _LinearSolver(constraints, box) if n_all == n_var else None
    # Integer solutions seen so far (the truth, when it is one, and every solver result):
    # per member and quantity the smallest and largest value among them.
    seen_low = np.full((len(rows), 3), np.inf)
    seen_high = np.full((len(rows), 3), -np.inf)

    def remember(x: np.ndarray) -> None:
        num = np.where(var[:, 0] >= 0, x[np.maximum(var[:, 0], 0)], np.nan)
        den = np.where(var[:, 1] >= 0, x[np.maximum(var[:, 1], 0)], np.nan)
        values = np.stack([num, den, den - num], axis=1)
        np.fmin(seen_low, values, out=seen_low)
        np.fmax(seen_high, values, out=seen_high)

    truth = np.stack([problem.numerator[rows], problem.denominator[rows]], axis=1)[has]
    if n_all == n_var and np.all(np.isfinite(truth)) and _feasible(truth, constraints, box):
        remember(truth)
    if threshold is not None:
        true_values = _quantity_values(problem, rows)
        room = float(threshold - 1)
        need_low = true_values - np.minimum(np.maximum(true_values, 0.0), room)
        need_high = true_values + room
    # The least value each quantity can take at all (its box, or 0 for a complement):
    # a solution already seen there is the exact minimum, no solve needed.
    floor = np.full((len(rows), 3), np.nan)
    for q in (0, 1):
        k = var[:, q] >= 0
        floor[k, q] = low_box[var[k, q]]
    no_told_complement = (
        np.ones(len(rows), dtype=bool)
        if problem.told is None
        else ~np.isfinite(problem.told[rows, 4])
    )
    floor[coupled & no_told_complement, _COMP] = 0.0

    def objective(i: int, q: int) -> np.ndarray | None:
        c = np.zeros(n_all)
        if q == _COMP:
            if var[i, 0] < 0 or var[i, 1] < 0:
                return None
            c[var[i, 1]], c[var[i, 0]] = 1.0, -1.0
        else:
            if var[i, q] < 0:
                return None
            c[var[i, q]] = 1.0
        return c

    for i, at in enumerate(members):
        for q in range(3):
            if not want[at, q]:
                continue
            c = objective(i, q)
            if c is None:
                continue
            for direction in (1.0, -1.0):
                if threshold is not None:
                    # Pass/fail only: a solution already reaching the target settles it.
                    target = need_low[i, q] if direction > 0 else need_high[i, q]
                    if (direction > 0 and seen_low[i, q] <= target) or (
                        direction < 0 and seen_high[i, q] >= target
                    ):
                        (lower if direction > 0 else upper)[at, q] = target
                        continue
                elif direction > 0 and seen_low[i, q] <= floor[i, q] + 1e-9:
                    lower[at, q] = floor[i, q]
                    continue
                result = _solve(direction * c, constraints, integrality, box, relaxation)
                if result.status == 2:  # infeasible: the lines do not hold as published
                    lower[members], upper[members] = np.nan, np.nan
                    return
                if result.status == 3 or result.x is None:  # unbounded
                    bound = -np.inf if direction > 0 else np.inf
                else:
                    bound = float(c @ result.x)
                    remember(result.x)
                    bound = round(bound, 6)
                (lower if direction > 0 else upper)[at, q] = bound


def _feasible(x: np.ndarray, constraints: list[LinearConstraint], box: Bounds) -> bool:
    """Whether ``x`` satisfies every constraint and the box (to 1e-6)."""
    eps = 1e-6
    if np.any(x < box.lb[: len(x)] - eps) or np.any(x > box.ub[: len(x)] + eps):
        return False
    for con in constraints:
        ax = con.A @ x
        if np.any(ax < np.asarray(con.lb) - eps) or np.any(ax > np.asarray(con.ub) + eps):
            return False
    return True


class _LinearSolver:
    """One component's LP relaxation, loaded into HiGHS once; each bound changes only the
    objective and re-solves warm (about 0,2 ms instead of several for a fresh MILP)."""

    def __init__(self, constraints: list[LinearConstraint], box: Bounds) -> None:
        n = len(box.lb)
        blocks = [sparse.csr_matrix(con.A) for con in constraints]
        a = sparse.vstack(blocks).tocsc() if blocks else sparse.csc_matrix((0, n))
        lows = [np.broadcast_to(con.lb, con.A.shape[0]) for con in constraints]
        highs = [np.broadcast_to(con.ub, con.A.shape[0]) for con in constraints]
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, a.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.asarray(box.lb, dtype=float)
        lp.col_upper_ = np.where(np.isfinite(box.ub), box.ub, inf)
        row_lower = np.concatenate(lows) if lows else np.zeros(0)
        row_upper = np.concatenate(highs) if highs else np.zeros(0)
        lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -inf)
        lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, inf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data.astype(float)
        self.n = n
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.passModel(lp)
        self.columns = np.arange(n, dtype=np.int32)

    def minimise(self, c: np.ndarray) -> tuple[int, np.ndarray | None]:
        """(status, x): 0 optimal, 2 infeasible, 3 unbounded, 4 undecided."""
        self.highs.changeColsCost(self.n, self.columns, c)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return 0, np.asarray(self.highs.getSolution().col_value)
        if status == highspy.HighsModelStatus.kInfeasible:
            return 2, None
        if status == highspy.HighsModelStatus.kUnbounded:
            return 3, None
        return 4, None


class _Result:
    def __init__(self, status: int, x: np.ndarray | None) -> None:
        self.status, self.x = status, x


def _solve(
    c: np.ndarray,
    constraints: list[LinearConstraint],
    integrality: np.ndarray,
    box: Bounds,
    relaxation: _LinearSolver | None,
):
    """min c·x: the LP relaxation first; its optimum is the integer optimum when it is
    integral (as for the sum tables of a hierarchy); else :func:`scipy.optimize.milp`."""
    if relaxation is not None:
        status, x = relaxation.minimise(c)
        if status in (2, 3):
            return _Result(status, None)
        if status == 0:
            ints = integrality.astype(bool)
            if np.allclose(x[ints], np.round(x[ints]), atol=1e-9):
                return _Result(0, x)
    return milp(c, constraints=constraints, integrality=integrality, bounds=box)


def needed_interval(
    values: np.ndarray, sensitive: np.ndarray, *, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """The protection interval (rows × 3): x - min(x, t-1) .. x + (t-1) where sensitive."""
    room = float(threshold - 1)
    low = np.full(values.shape, np.nan)
    high = np.full(values.shape, np.nan)
    x = values[sensitive]
    low[sensitive] = x - np.minimum(np.maximum(x, 0.0), room)
    high[sensitive] = x + room
    return low, high


def pinned_cells(
    lower: np.ndarray, upper: np.ndarray, needed_low: np.ndarray, needed_high: np.ndarray
) -> np.ndarray:
    """Rows × 3: a sensitive quantity whose attacker interval misses its protection interval."""
    eps = 1e-6
    with np.errstate(invalid="ignore"):
        short_low = np.isfinite(needed_low) & ~(lower <= needed_low + eps)
        short_high = np.isfinite(needed_high) & ~(upper >= needed_high - eps)
    return short_low | short_high


# --- what published reasons tell ----------------------------------------------------------

_REASON_PATTERNS = (
    # (regex, quantity, side) -- older texts that name the rule; each narrows the cell.
    (
        r"nästan alla \(färre än (\d+) utan\)|nearly all \(fewer than (\d+) without\)",
        _COMP,
        "1..n-1",
    ),
    (r"underlag färre än (\d+)|base fewer than (\d+)", _DEN, "0..n-1"),
    (r"färre än (\d+)|fewer than (\d+)", _NUM, "1..n-1"),
)
_SECONDARY_PATTERN = r"skyddar en annan|protects another"


def reason_constraints(
    reasons: Sequence[object], *, min_denominator: int
) -> tuple[np.ndarray, np.ndarray]:
    """What each published reason text tells an attacker, as bounds.

    Returns ``told`` (rows × 6: lower/upper of numerator, denominator, complement; NaN = no
    bound) and ``not_small`` (the cell is hidden to protect another, so it is no primary
    cell: its numerator is 0 or at least the threshold, its denominator at least
    ``min_denominator``).  The one-category text :data:`indicators.disclosure.PROTECTED`
    tells nothing.

    Examples
    --------
    >>> told, not_small = reason_constraints(["prickad: färre än 5", None], min_denominator=10)
    >>> told[0, :2].tolist(), bool(not_small[0])
    ([1.0, 4.0], False)
    """
    codes, texts = pd.factorize(pd.Series(reasons, dtype=object), use_na_sentinel=True)
    told_text = np.full((len(texts) + 1, 6), np.nan)  # the last row: no text
    not_small_text = np.zeros(len(texts) + 1, dtype=bool)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        if re.search(_SECONDARY_PATTERN, text):
            not_small_text[i] = True
            told_text[i, 2] = float(min_denominator)
            continue
        for pattern, q, side in _REASON_PATTERNS:
            match = re.search(pattern, text)
            if match:
                n = float(next(g for g in match.groups() if g))
                told_text[i, 2 * q] = 1.0 if side == "1..n-1" else 0.0
                told_text[i, 2 * q + 1] = n - 1
                break
    told = told_text[codes]  # code -1 picks the last row
    not_small = not_small_text[codes]
    return told, not_small


# --- the public function ------------------------------------------------------------------


def audit(
    published: pd.DataFrame,
    *,
    area_parent: Mapping[str, str] | None = None,
    period_parent: Mapping[str, str] | None = None,
    truth: pd.DataFrame | None = None,
    threshold: int = 5,
    min_denominator: int = 10,
    min_group: int = 20,
    closed_form: bool = True,
) -> pd.DataFrame:
    """Attack a published table: the interval every hidden cell is known to lie in.

    Parameters
    ----------
    published
        A table as :func:`indicators.disclosure.protect` returns it (``indicator_id, kind,
        area_code, period, numerator, denominator, suppressed``); hidden values NaN.
    area_parent, period_parent
        The hierarchy the attacker knows (as for :func:`~indicators.disclosure.protect`).
    truth
        The same rows before suppression (same index).  With it, each hidden cell gets its
        true ``value``, whether a primary rule makes it ``sensitive``, the protection
        interval ``needed_lower``..``needed_upper`` and ``pinned``.  Without it (a file
        from outside) every hidden quantity must be at least ``threshold - 1`` wide.
    threshold, min_denominator, min_group
        The rules' limits (see :func:`sensitive_quantities`).
    closed_form
        Solve one-line components in closed form (default) or by MILP like the rest.

    A ``reason`` column is read as the attacker would: an older text naming the rule
    ("färre än 5", "nästan alla", "skyddar en annan") adds what it says
    (:func:`reason_constraints`); the one text "uppgift skyddad" adds nothing.

    Returns
    -------
    pandas.DataFrame
        :data:`AUDIT_COLUMNS`, one row per hidden cell and quantity it has (numerator,
        denominator and, for proportions, complement); ``upper`` may be ``inf``.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator_id": "x", "kind": "count", "period": "2025",
    ...     "area_code": ["A", "B", "U"], "numerator": [2.0, 30.0, 32.0], "denominator": np.nan})
    >>> leak = t.assign(suppressed=[True, False, False])
    >>> leak["numerator"] = leak["numerator"].mask(leak["suppressed"])
    >>> out = audit(leak, area_parent={"A": "U", "B": "U"}, truth=t)
    >>> out[["area_code", "lower", "upper", "pinned"]].values.tolist()
    [['A', 2.0, 2.0, True]]
    """
    if threshold < 1:
        raise UserError(
            f"Ogiltig tröskel för röjandekontroll: {threshold}",
            message_en="threshold must be at least 1",
        )
    if "suppressed" not in published.columns:
        raise UserError(
            "Tabellen saknar kolumnen 'suppressed' (vilka uppgifter som är skyddade)",
            column="suppressed",
            message_en="the table lacks the 'suppressed' column",
        )
    codes = encode_keys(published)
    hidden = published["suppressed"].fillna(False).astype(bool).to_numpy()
    source = published if truth is None else truth
    if truth is not None and not truth.index.equals(published.index):
        raise UserError(
            "Sanningstabellen har inte samma rader som den publicerade tabellen",
            message_en="truth must have the same index as the published table",
        )
    numerator = source["numerator"].to_numpy(dtype=float, na_value=np.nan)
    denominator = source["denominator"].to_numpy(dtype=float, na_value=np.nan)
    lines = build_lines(codes, area_parent=area_parent, period_parent=period_parent)
    problem = make_problem(codes, lines, hidden, numerator, denominator)
    problem.threshold = threshold
    if "reason" in published.columns:
        problem.told, problem.not_small = _told(published["reason"], hidden, min_denominator)
    rows, lower, upper = bounds(problem, closed_form=closed_form)
    values = _quantity_values(problem, rows)
    exists = _exists(problem, rows)
    if truth is not None:
        sensitive = sensitive_quantities(
            {"kind": codes["kind"][rows], "kind_names": codes["kind_names"]},
            numerator[rows],
            denominator[rows],
            threshold=threshold,
            min_denominator=min_denominator,
            min_group=min_group,
        )
        need_low, need_high = needed_interval(values, sensitive, threshold=threshold)
        pinned = pinned_cells(lower, upper, need_low, need_high)
    else:
        sensitive = np.zeros_like(exists)
        need_low = need_high = np.full(values.shape, np.nan)
        with np.errstate(invalid="ignore"):
            pinned = ~(upper - lower >= threshold - 1)
        values = np.full(values.shape, np.nan)
    at, q = np.nonzero(exists)
    row = rows[at]
    return pd.DataFrame(
        {
            # Categoricals from the key codes: no string copied per hidden cell.
            "indicator_id": _categorical(codes, "indicator", row),
            "area_code": _categorical(codes, "area", row),
            "period": _categorical(codes, "period", row),
            "quantity": pd.Categorical.from_codes(q, categories=list(QUANTITIES)),
            "lower": lower[at, q],
            "upper": upper[at, q],
            "value": values[at, q],
            "sensitive": sensitive[at, q],
            "needed_lower": need_low[at, q],
            "needed_upper": need_high[at, q],
            "pinned": pinned[at, q],
        },
        columns=list(AUDIT_COLUMNS),
    )


def _told(
    reasons: pd.Series, hidden: np.ndarray, min_denominator: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """:func:`reason_constraints` of the hidden rows' reasons, or (None, None) when no text
    says anything (the one symbol): then no row needs a bound of its own."""
    texts = pd.unique(reasons.to_numpy(dtype=object)[hidden])
    told, not_small = reason_constraints(list(texts), min_denominator=min_denominator)
    if not (np.isfinite(told).any() or not_small.any()):
        return None, None
    return reason_constraints(reasons.to_numpy(dtype=object), min_denominator=min_denominator)


def _categorical(codes: Mapping[str, np.ndarray], key: str, row: np.ndarray) -> pd.Categorical:
    names = [str(n) for n in codes[f"{key}_names"]]
    return pd.Categorical.from_codes(codes[key][row], categories=names)


# --- files and the command line -----------------------------------------------------------------


def read_published_csv(path: str | Path) -> pd.DataFrame:
    """A table exported by ``python -m indicators export`` (Swedish CSV or csv-plain).

    ``..`` and empty cells are hidden values; ``kind`` comes from the indicator catalogue
    when the file has no such column.  Bad input raises a Swedish :class:`UserError` naming
    the file and column.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Filen {path} finns inte.", file=str(path), message_en="file not found")
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    swedish = bool(lines) and lines[0].count(";") > lines[0].count(",")
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(lines)),
            sep=";" if swedish else ",",
            decimal="," if swedish else ".",
            na_values=[SYMBOL_FILE],
            dtype={"area_code": str, "period": str, "indicator_id": str},
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as exc:
        raise UserError(
            f"Filen {path.name} kan inte läsas som CSV ({exc}).",
            file=str(path),
            message_en="the file is not a readable CSV",
        ) from exc
    needed = ["indicator_id", "area_code", "period", "numerator", "denominator", "suppressed"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise UserError(
            f"Filen {path.name} saknar kolumn(er): {', '.join(missing)}",
            file=str(path),
            column=missing[0],
            message_en=f"the file lacks columns: {missing}",
        )
    if "kind" not in frame.columns:
        catalogue = load_catalogue()
        unknown = sorted(set(frame["indicator_id"]) - set(catalogue))
        if unknown:
            raise UserError(
                f"Filen {path.name}: okänd indikator {unknown[0]!r} och ingen kolumn 'kind'.",
                file=str(path),
                column="indicator_id",
                message_en=f"unknown indicator {unknown[0]!r}",
            )
        frame["kind"] = frame["indicator_id"].map(lambda i: catalogue[i].kind)
    for column in ("numerator", "denominator"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise UserError(
                f"Filen {path.name}, rad {row + 2}, kolumn {column}: "
                f"{frame[column].iloc[row]!r} är inget tal.",
                file=str(path),
                row=row + 2,
                column=column,
                message_en=f"not a number in column {column}",
            )
        frame[column] = values
    flags = frame["suppressed"].astype(str).str.lower()
    if not flags.isin(["true", "false"]).all():
        row = int(np.flatnonzero(~flags.isin(["true", "false"]).to_numpy())[0])
        raise UserError(
            f"Filen {path.name}, rad {row + 2}, kolumn suppressed: ange true eller false.",
            file=str(path),
            row=row + 2,
            column="suppressed",
            message_en="suppressed must be true or false",
        )
    frame["suppressed"] = flags.eq("true")
    return frame


def summary_text(result: pd.DataFrame, *, threshold: int) -> str:
    """The audit's result in one Swedish paragraph (for the CLI and the Data page).

    Examples
    --------
    >>> summary_text(pd.DataFrame(columns=list(AUDIT_COLUMNS)), threshold=5)
    'Granskade 0 dolda uppgifter: 0 skyddade uppgifter kan ringas in snävare än ±4.'
    """
    pinned = result[result["pinned"].astype(bool)]
    cells = pinned[["indicator_id", "area_code", "period"]].drop_duplicates()
    text = (
        f"Granskade {len(result)} dolda uppgifter: {len(cells)} skyddade uppgifter kan ringas "
        f"in snävare än ±{threshold - 1}."
    )
    for row in cells.head(20).itertuples(index=False):
        text += f"\n  {row.indicator_id}, {row.area_code}, {row.period}"
    return text
