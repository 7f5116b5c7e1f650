"""Disclosure control (röjandekontroll): the one suppression step every output passes.

DESIGN.md principle 2: every figure shown, exported or put in a report goes through
:func:`suppress`.  Rules follow methods.md §2:

* primary suppression (§2.2): small counts, small complements ("nearly everyone") and
  small denominators are hidden;
* secondary suppression (§2.3): along every linear relation ("line") -- a parent area is
  the sum of its child areas, a parent period the sum of its sub-periods -- a line must
  have 0 or at least 2 hidden members, so no hidden cell is the difference of published
  ones.  Greedy heuristic, iterated to a fixed point; it stops single differences, not
  every possible combination of several lines (methods.md §2.3: use sdcTable/τ-ARGUS for
  formal publication).

Hidden values become NaN, never 0, and rows are never dropped, so a page or export can
show ".." with the reason beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from common.errors import UserError

__all__ = [
    "HIDDEN_COLUMNS",
    "KINDS",
    "REASONS",
    "REASONS_EN",
    "reason_texts",
    "suppress",
]

KINDS: tuple[str, ...] = ("proportion", "rate", "mean", "count")
"""Indicator kinds the rules know about (see the indicator catalogue)."""

HIDDEN_COLUMNS: tuple[str, ...] = ("numerator", "denominator", "value", "lower", "upper")
"""Columns blanked (NaN) in a suppressed row; extend per call with ``hide_columns=``."""

_KEY_COLUMNS: tuple[str, ...] = ("indicator_id", "kind", "area_code", "period")
_REQUIRED_COLUMNS: tuple[str, ...] = (*_KEY_COLUMNS, "numerator", "denominator")

# Which primary rule applies to which kind (methods.md §2.2).  For "mean" the numerator is
# a sum of scores, not a count of people, so only the denominator rule applies.
_SMALL_COUNT_KINDS = frozenset({"proportion", "rate", "count"})
_COMPLEMENT_KINDS = frozenset({"proportion"})
_DENOMINATOR_KINDS = frozenset({"proportion", "rate", "mean"})

# Reason codes, in order of precedence when several primary rules hit one row.
_REASON_CODES: tuple[str, ...] = ("small", "complement", "denominator", "secondary")
_NO_REASON, _SMALL, _COMPLEMENT, _DENOMINATOR, _SECONDARY, _EARLIER = range(6)


def reason_texts(
    *, threshold: int = 5, min_denominator: int = 10, language: str = "sv"
) -> dict[str, str]:
    """Reason texts per reason code, with the limits actually used.

    Parameters
    ----------
    threshold, min_denominator
        The limits passed to :func:`suppress`.
    language
        ``"sv"`` (default) or ``"en"``.

    Examples
    --------
    >>> reason_texts(threshold=3)["small"]
    'prickad: färre än 3'
    >>> reason_texts(language="en")["denominator"]
    'suppressed: base fewer than 10'
    """
    if language == "sv":
        return {
            "small": f"prickad: färre än {threshold}",
            "complement": f"prickad: nästan alla (färre än {threshold} utan)",
            "denominator": f"prickad: underlag färre än {min_denominator}",
            "secondary": "prickad: skyddar en annan prickad uppgift",
        }
    if language == "en":
        return {
            "small": f"suppressed: fewer than {threshold}",
            "complement": f"suppressed: nearly all (fewer than {threshold} without)",
            "denominator": f"suppressed: base fewer than {min_denominator}",
            "secondary": "suppressed: protects another suppressed figure",
        }
    raise ValueError(f"unknown language {language!r}; use 'sv' or 'en'")


REASONS: dict[str, str] = reason_texts()
"""Swedish reason texts for the default limits (threshold 5, denominator 10)."""

REASONS_EN: dict[str, str] = reason_texts(language="en")
"""English reason texts for the default limits."""


def suppress(
    table: pd.DataFrame,
    *,
    area_parent: Mapping[str, str] | None = None,
    period_parent: Mapping[str, str] | None = None,
    threshold: int = 5,
    min_denominator: int = 10,
    hide_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Hide small cells and the cells that would let them be recovered.

    Parameters
    ----------
    table
        One row per indicator × area × period with columns ``indicator_id``, ``kind``
        (``proportion``/``rate``/``mean``/``count``), ``area_code``, ``period``,
        ``numerator``, ``denominator`` and usually ``value``, ``lower``, ``upper``.
        NaN means "no data"; other columns are kept untouched.  A ``suppressed`` column
        from an earlier call is honoured (those rows stay hidden with their reason).
    area_parent
        Child area → parent area (e.g. stadsdel → district → municipality).  Each parent
        with its children forms a line: parent = sum of children.
    period_parent
        Sub-period → period (e.g. ``"2025-VT"`` → ``"2025"``), forming lines likewise.
    threshold
        Counts (and, for proportions, complements) from 1 to ``threshold - 1`` are hidden.
    min_denominator
        Rates, proportions and means with a denominator below this are hidden.
    hide_columns
        Further columns to blank in suppressed rows, beside :data:`HIDDEN_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        A copy, same rows and order, plus ``suppressed`` (bool) and ``reason`` (Swedish
        text from :func:`reason_texts`, or None); hidden columns are NaN where suppressed.

    Examples
    --------
    >>> t = pd.DataFrame({
    ...     "indicator_id": "brott", "kind": "count", "period": "2025",
    ...     "area_code": ["Ersboda", "Mariehem", "Tomtebo", "Umeå"],
    ...     "numerator": [3.0, 12.0, 20.0, 35.0], "denominator": np.nan,
    ... })
    >>> out = suppress(t, area_parent={"Ersboda": "Umeå", "Mariehem": "Umeå", "Tomtebo": "Umeå"})
    >>> out["numerator"].tolist()
    [nan, nan, 20.0, 35.0]
    >>> out["reason"].tolist()[:2]
    ['prickad: färre än 5', 'prickad: skyddar en annan prickad uppgift']
    """
    if threshold < 1 or min_denominator < 0:
        raise UserError(
            f"Ogiltiga gränser för röjandekontroll: threshold={threshold}, "
            f"min_denominator={min_denominator}",
            message_en="threshold must be at least 1 and min_denominator at least 0",
        )
    columns = _columns_to_hide(table, hide_columns)
    codes = _encode_keys(table)
    numerator = table["numerator"].to_numpy(dtype=float, na_value=np.nan)
    denominator = table["denominator"].to_numpy(dtype=float, na_value=np.nan)

    reason = _primary_reasons(
        codes["kind"],
        codes["kind_names"],
        numerator,
        denominator,
        threshold=threshold,
        min_denominator=min_denominator,
    )
    earlier = _earlier_suppression(table)
    reason[earlier] = _EARLIER
    hidden = reason != _NO_REASON

    lines = _lines(codes, area_parent=area_parent, period_parent=period_parent)
    hidden_after = _secondary_hidden(hidden, lines, numerator, codes)
    reason[hidden_after & ~hidden] = _SECONDARY

    texts = reason_texts(threshold=threshold, min_denominator=min_denominator)
    lookup = np.array([None, *(texts[c] for c in _REASON_CODES), "prickad"], dtype=object)
    reason_text = lookup[reason]
    if earlier.any() and "reason" in table.columns:
        given = table["reason"].to_numpy(dtype=object)
        keep = earlier & pd.notna(given)
        reason_text[keep] = given[keep]

    # pandas copy-on-write: assigning columns never touches the caller's frame.
    out = table.copy(deep=False)
    for column in columns:
        out[column] = out[column].mask(hidden_after)
    out["suppressed"] = hidden_after
    out["reason"] = pd.Series(reason_text, index=out.index, dtype=object)
    return out


def _columns_to_hide(table: pd.DataFrame, hide_columns: Iterable[str]) -> list[str]:
    missing = [c for c in _REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(
            f"Tabellen saknar kolumn(er) som röjandekontrollen behöver: {', '.join(missing)}",
            column=missing[0],
            message_en=f"table lacks columns needed for disclosure control: {missing}",
        )
    extra = list(hide_columns)
    unknown = [c for c in extra if c not in table.columns]
    if unknown:
        raise UserError(
            f"Kolumn(er) att dölja finns inte i tabellen: {', '.join(unknown)}",
            column=unknown[0],
            message_en=f"columns to hide are not in the table: {unknown}",
        )
    wanted = [c for c in HIDDEN_COLUMNS if c in table.columns] + extra
    return list(dict.fromkeys(wanted))


def _encode_keys(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Integer codes per key column; codes follow sorted order, so ties break by name."""
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
    # Two rows for one cell would count twice in a line and break the secondary rule.
    n_periods, n_areas = len(codes["period_names"]), len(codes["area_names"])
    key = (codes["indicator"].astype(np.int64) * n_periods + codes["period"]) * n_areas
    key += codes["area"]
    n_keys = len(codes["indicator_names"]) * n_periods * n_areas
    if n_keys <= 4 * len(key) + 1024:
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


def _primary_reasons(
    kind: np.ndarray,
    kind_names: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    threshold: int,
    min_denominator: int,
) -> np.ndarray:
    """Reason code per row for primary suppression (methods.md §2.2); NaN never triggers."""

    def kind_in(kinds: frozenset[str]) -> np.ndarray:
        return np.array([k in kinds for k in kind_names], dtype=bool)[kind]

    # Non-integer numerators (weighted counts) between 0 and 1 count as small too.
    small = kind_in(_SMALL_COUNT_KINDS) & (numerator > 0) & (numerator < threshold)
    complement = denominator - numerator
    nearly_all = kind_in(_COMPLEMENT_KINDS) & (complement > 0) & (complement < threshold)
    small_base = kind_in(_DENOMINATOR_KINDS) & (denominator < min_denominator)

    reason = np.full(len(numerator), _NO_REASON, dtype=np.int8)
    reason[small_base] = _DENOMINATOR  # assigned in reverse precedence
    reason[nearly_all] = _COMPLEMENT
    reason[small] = _SMALL
    return reason


def _earlier_suppression(table: pd.DataFrame) -> np.ndarray:
    """Rows an earlier call already hid, so that suppressing twice changes nothing."""
    if "suppressed" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return table["suppressed"].fillna(False).astype(bool).to_numpy()


class _Lines:
    """Membership of rows in lines: ``row[i]`` belongs to line ``line[i]``."""

    def __init__(self, row: np.ndarray, line: np.ndarray, n_lines: int) -> None:
        self.row = row
        self.line = line
        self.n_lines = n_lines


def _lines(
    codes: Mapping[str, np.ndarray],
    *,
    area_parent: Mapping[str, str] | None,
    period_parent: Mapping[str, str] | None,
) -> _Lines:
    """Build every line (parent + children) as flat (row, line) membership arrays.

    Area lines are keyed (indicator, period, parent area), period lines (indicator, area,
    parent period); keys are dense integer ranges, so no hashing or sorting is needed.
    A line exists even if its parent row is absent (the total may be published elsewhere).
    """
    n_indicators = len(codes["indicator_names"])
    n_periods, n_areas = len(codes["period_names"]), len(codes["area_names"])
    rows_parts: list[np.ndarray] = []
    lines_parts: list[np.ndarray] = []
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
        # Per distinct name (thousands at most), then gathered per row.
        as_child = np.array([parents.get(parent_of.get(n), -1) for n in names], dtype=np.int64)
        as_parent = np.array([parents.get(n, -1) for n in names], dtype=np.int64)
        for per_name in (as_child, as_parent):
            parent_index = per_name[codes[name]]
            member = np.flatnonzero(parent_index >= 0)
            rows_parts.append(member)
            lines_parts.append(offset + group[member] * n_parents + parent_index[member])
        offset += n_groups * n_parents

    if not rows_parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Lines(empty, empty, 0)
    row = np.concatenate(rows_parts)
    line = np.concatenate(lines_parts)
    # A one-member line (a lone child without its parent row) relates nothing.
    size = np.bincount(line, minlength=offset)
    real = size[line] >= 2
    return _Lines(row[real], line[real], offset)


def _secondary_hidden(
    hidden: np.ndarray, lines: _Lines, numerator: np.ndarray, codes: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Hide more rows until every line has 0 or ≥ 2 hidden members (methods.md §2.3).

    Each pass takes every line with exactly one hidden member and hides, in that line, the
    published member with the smallest non-zero numerator (then zeros, then no-data rows;
    ties by area code, then period).  Lines are handled all at once per pass, so the
    result does not depend on row order.  Hiding only ever grows, so it terminates.
    """
    hidden = hidden.copy()
    if lines.n_lines == 0 or not hidden.any():
        return hidden
    row, line = lines.row, lines.line
    while True:
        hidden_count = np.bincount(line[hidden[row]], minlength=lines.n_lines)
        lacking = hidden_count == 1
        if not lacking.any():
            return hidden
        candidate = lacking[line] & ~hidden[row]
        candidate_row, candidate_line = row[candidate], line[candidate]
        value = numerator[candidate_row]
        # Prefer hiding small non-zero figures; zeros and no-data rows only as a last resort.
        preference = np.where(np.isnan(value), 2, np.where(value == 0, 1, 0))
        order = np.lexsort(
            (
                codes["period"][candidate_row],
                codes["area"][candidate_row],
                np.nan_to_num(value),
                preference,
                candidate_line,
            )
        )
        ordered_line = candidate_line[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = ordered_line[1:] != ordered_line[:-1]
        hidden[candidate_row[order[first]]] = True
