"""Disclosure control (röjandekontroll): the one protection step every output passes.

docs/architecture.md principle 2: every figure shown, exported or put in a report goes through
:func:`protect` (:func:`suppress` is the same function under its older name).  The rules,
the attacker model and why they are what they are: docs/disclosure.md.

1. **Primary suppression** (docs/disclosure.md §2): counts 1 .. threshold-1; for
   proportions the complement 1 .. threshold-1 ("nearly all"); the whole-group cases
   x = 0 and x = n of a proportion whose group is under ``min_group``; rates, proportions
   and means with a denominator under ``min_denominator``.
2. **Secondary suppression** (§3): along every additive line (a parent area is the sum of
   its child areas, a year the sum of its terms) a line has 0 or at least 2 hidden
   members, and the other hidden members of a line carry at least ``threshold - 1`` of
   the quantity a primary cell protects, so it can move by that much.  Smallest counts are
   hidden first (least information lost).
3. **Audit** (§4, :mod:`indicators.audit`): the attacker's integer program bounds every
   hidden sensitive cell; any cell pinned narrower than its protection interval
   ``x - min(x, t-1) .. x + (t-1)`` makes the step hide one more cell in one of its lines
   and audit again, until the audit passes.  Publication fails closed.
4. **One symbol** (§5): a hidden cell says only ``uppgift skyddad`` (``..`` in files); the
   rule that hid it is never published, because "färre än 5" or "nästan alla" narrows
   the cell for the attacker (the audit shows how much: tests/indicators/test_audit.py).

Hidden values become NaN, never 0, and rows are never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from common.errors import UserError
from indicators.audit import (
    KINDS,
    Lines,
    bounds,
    build_lines,
    encode_keys,
    make_problem,
    needed_interval,
    pinned_cells,
    sensitive_quantities,
)

__all__ = [
    "HIDDEN_COLUMNS",
    "KINDS",
    "MIN_GROUP",
    "PROTECTED",
    "PROTECTED_EN",
    "REASONS",
    "REASONS_EN",
    "SYMBOL",
    "protect",
    "reason_texts",
    "suppress",
]

HIDDEN_COLUMNS: tuple[str, ...] = ("numerator", "denominator", "value", "lower", "upper")
"""Columns blanked (NaN) in a suppressed row; extend per call with ``hide_columns=``."""

SYMBOL = ".."
"""What a hidden cell shows in files and tables (SCB's and Skolverket's symbol)."""
PROTECTED = "uppgift skyddad"
"""The one text a hidden cell carries (Swedish)."""
PROTECTED_EN = "figure protected"
"""The one text a hidden cell carries (English)."""
MIN_GROUP = 20
"""A proportion of a group under this size is hidden at x = 0 and x = n (whole group)."""

_MAX_AUDIT_ROUNDS = 200


def reason_texts(*, language: str = "sv", **_limits: int) -> dict[str, str]:
    """The published reason per reason category: one category, on purpose.

    The rule that hid a cell ("färre än 5", "nästan alla", "skyddar en annan uppgift") tells
    an attacker where the value lies, so every hidden cell says the same
    (docs/disclosure.md §5).  Limits are accepted for compatibility and do not change it.

    Examples
    --------
    >>> reason_texts()
    {'protected': 'uppgift skyddad'}
    >>> reason_texts(language="en", threshold=3)["protected"]
    'figure protected'
    """
    if language == "sv":
        return {"protected": PROTECTED}
    if language == "en":
        return {"protected": PROTECTED_EN}
    raise ValueError(f"unknown language {language!r}; use 'sv' or 'en'")


REASONS: dict[str, str] = reason_texts()
"""Swedish reason texts (one category)."""

REASONS_EN: dict[str, str] = reason_texts(language="en")
"""English reason texts (one category)."""


def protect(
    table: pd.DataFrame,
    *,
    area_parent: Mapping[str, str] | None = None,
    period_parent: Mapping[str, str] | None = None,
    threshold: int = 5,
    min_denominator: int = 10,
    min_group: int = MIN_GROUP,
    hide_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Hide small cells and enough others that no attacker can narrow them down.

    Primary rules, secondary suppression, then the attacker audit
    (:func:`indicators.audit.audit`) in a loop that hides more until it passes.

    Parameters
    ----------
    table
        One row per indicator × area × period with columns ``indicator_id``, ``kind``
        (``proportion``/``rate``/``mean``/``count``), ``area_code``, ``period``,
        ``numerator``, ``denominator`` and usually ``value``, ``lower``, ``upper``.
        NaN means "no data"; other columns are kept untouched.  A ``suppressed`` column
        from an earlier call is honoured (those rows stay hidden).
    area_parent
        Child area → parent area (e.g. stadsdel → district → municipality).  Each parent
        with its children forms a line: parent = sum of children.
    period_parent
        Sub-period → period (e.g. ``"2025-VT"`` → ``"2025"``), forming lines likewise.
    threshold
        Counts (and, for proportions, complements) from 1 to ``threshold - 1`` are hidden;
        every hidden one keeps ``threshold - 1`` of room either way.
    min_denominator
        Rates, proportions and means with a denominator below this are hidden.
    min_group
        Proportions of a group under this size are hidden at 0 and at 100 %.
    hide_columns
        Further columns to blank in suppressed rows, beside :data:`HIDDEN_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        A copy, same rows and order, plus ``suppressed`` (bool) and ``reason``
        (:data:`PROTECTED` where hidden, else None); hidden columns NaN where suppressed.

    Examples
    --------
    >>> t = pd.DataFrame({
    ...     "indicator_id": "brott", "kind": "count", "period": "2025",
    ...     "area_code": ["Ersboda", "Mariehem", "Tomtebo", "Umeå"],
    ...     "numerator": [3.0, 12.0, 20.0, 35.0], "denominator": np.nan,
    ... })
    >>> out = protect(t, area_parent={"Ersboda": "Umeå", "Mariehem": "Umeå", "Tomtebo": "Umeå"})
    >>> out["numerator"].tolist()
    [nan, nan, 20.0, 35.0]
    >>> out["reason"].tolist()[:2]
    ['uppgift skyddad', 'uppgift skyddad']
    """
    if threshold < 1 or min_denominator < 0 or min_group < 0:
        raise UserError(
            f"Ogiltiga gränser för röjandekontroll: threshold={threshold}, "
            f"min_denominator={min_denominator}, min_group={min_group}",
            message_en="threshold must be at least 1, the other limits at least 0",
        )
    columns = _columns_to_hide(table, hide_columns)
    codes = encode_keys(table)
    numerator = table["numerator"].to_numpy(dtype=float, na_value=np.nan)
    denominator = table["denominator"].to_numpy(dtype=float, na_value=np.nan)
    sensitive = sensitive_quantities(
        codes,
        numerator,
        denominator,
        threshold=threshold,
        min_denominator=min_denominator,
        min_group=min_group,
    )
    earlier = _earlier_suppression(table)
    hidden = sensitive.any(axis=1) | earlier
    lines = build_lines(codes, area_parent=area_parent, period_parent=period_parent)
    hidden = _protect_hidden(
        hidden,
        sensitive,
        lines,
        codes,
        numerator,
        denominator,
        threshold=threshold,
        audited=not earlier.any(),
    )

    reason = np.where(hidden, PROTECTED, None).astype(object)
    if earlier.any() and "reason" in table.columns:
        given = table["reason"].to_numpy(dtype=object)
        keep = earlier & pd.notna(given)
        reason[keep] = given[keep]
    # pandas copy-on-write: assigning columns never touches the caller's frame.
    out = table.copy(deep=False)
    for column in columns:
        out[column] = out[column].mask(hidden)
    out["suppressed"] = hidden
    out["reason"] = pd.Series(reason, index=out.index, dtype=object)
    return out


suppress = protect
"""The older name of :func:`protect` (same function, same guarantees)."""


def _columns_to_hide(table: pd.DataFrame, hide_columns: Iterable[str]) -> list[str]:
    encode_needed = [
        c
        for c in ("indicator_id", "kind", "area_code", "period", "numerator", "denominator")
        if c not in table.columns
    ]
    if encode_needed:
        raise UserError(
            f"Tabellen saknar kolumn(er) som röjandekontrollen behöver: {', '.join(encode_needed)}",
            column=encode_needed[0],
            message_en=f"table lacks columns needed for disclosure control: {encode_needed}",
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


def _earlier_suppression(table: pd.DataFrame) -> np.ndarray:
    """Rows an earlier call already hid, so that protecting twice changes nothing."""
    if "suppressed" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return table["suppressed"].fillna(False).astype(bool).to_numpy()


def _protect_hidden(
    hidden: np.ndarray,
    sensitive: np.ndarray,
    lines: Lines,
    codes: Mapping[str, np.ndarray],
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    threshold: int,
    audited: bool,
) -> np.ndarray:
    """Secondary suppression, then audit → hide more → audit until nothing is pinned."""
    # Per quantity (numerator, denominator, complement), one contiguous column each.
    values = (numerator, denominator, denominator - numerator)
    room = float(threshold - 1)
    hidden = _secondary_hidden(hidden, sensitive, lines, codes, values, room)
    if not audited or lines.n_lines == 0 or not sensitive.any():
        return hidden
    for _ in range(_MAX_AUDIT_ROUNDS):
        pinned = _pinned(codes, lines, hidden, numerator, denominator, sensitive, threshold)
        if not pinned.any():
            return hidden
        more = _widen(pinned, hidden, lines, codes, values)
        if not more.any():
            break
        hidden = _secondary_hidden(hidden | more, sensitive, lines, codes, values, room)
    # Fail closed: hide every line around what is still pinned until nothing is.
    while True:
        pinned = _pinned(codes, lines, hidden, numerator, denominator, sensitive, threshold)
        if not pinned.any():
            return hidden
        bad_lines = np.unique(lines.line[hidden[lines.row]])
        grown = hidden.copy()
        grown[lines.row[np.isin(lines.line, bad_lines)]] = True
        if (grown == hidden).all():
            return hidden
        hidden = grown


def _pinned(
    codes: Mapping[str, np.ndarray],
    lines: Lines,
    hidden: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    sensitive: np.ndarray,
    threshold: int,
) -> np.ndarray:
    """Rows × 3: hidden sensitive quantities the attacker pins inside their protection
    interval (the audit, stopping each bound as soon as it is shown wide enough)."""
    problem = make_problem(codes, lines, hidden, numerator, denominator)
    rows, lower, upper = bounds(problem, wanted=sensitive, threshold=threshold)
    values = np.stack([numerator[rows], denominator[rows], denominator[rows] - numerator[rows]], 1)
    need_low, need_high = needed_interval(values, sensitive[rows], threshold=threshold)
    pinned = np.zeros((len(hidden), 3), dtype=bool)
    pinned[rows] = pinned_cells(lower, upper, need_low, need_high)
    return pinned


def _order(
    candidate_row: np.ndarray,
    candidate_line: np.ndarray,
    value: np.ndarray,
    codes: Mapping[str, np.ndarray],
) -> np.ndarray:
    """Index of the first candidate per line: smallest positive value, then zeros, then
    no-data; ties by area code, then period (so the result does not depend on row order)."""
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
    return order[first]


def _secondary_hidden(
    hidden: np.ndarray,
    sensitive: np.ndarray,
    lines: Lines,
    codes: Mapping[str, np.ndarray],
    values: tuple[np.ndarray, ...],
    room: float,
) -> np.ndarray:
    """Hide more rows until every line has 0 or ≥ 2 hidden members and, where its total is
    published, the hidden parts beside each primary part carry ``room`` of its quantity.

    Each pass takes every lacking line at once and hides, in it, the published member with
    the smallest non-zero numerator (or, for the room rule, the smallest non-zero value of
    the quantity lacking).  Hiding only ever grows, so it terminates.  Both rules depend on
    a line's own members only, so after the first pass only lines with a newly hidden
    member are looked at again.
    """
    hidden = hidden.copy()
    if lines.n_lines == 0 or not hidden.any():
        return hidden
    row, line, is_parent = lines.row, lines.line, lines.parent
    child = ~is_parent
    # Per member of a line, once: each quantity's value (no data as 0) and whether a
    # primary rule protects it.
    member_value = [np.nan_to_num(values[q][row]) for q in range(3)]
    member_sensitive = [sensitive[row, q] & child for q in range(3)]
    # Lines to look at (again): for the 0-or-≥2 rule, and for the room rule per quantity.
    check_count = np.ones(lines.n_lines, dtype=bool)
    check_room = np.ones((3, lines.n_lines), dtype=bool)

    def hide(rows: np.ndarray) -> None:
        hidden[rows] = True
        newly = np.zeros(len(hidden), dtype=bool)
        newly[rows] = True
        touched = line[newly[row]]
        check_count[touched] = True
        check_room[:, touched] = True

    def members(check: np.ndarray) -> np.ndarray | slice:
        """Positions of the members of the lines to check (all of them: no copy)."""
        if check.all():
            return slice(None)
        return np.flatnonzero(check[line])

    while True:
        at = members(check_count)
        check_count[:] = False
        r, li = row[at], line[at]
        hidden_member = hidden[r]
        lacking = np.bincount(li[hidden_member], minlength=lines.n_lines) == 1
        if lacking.any():
            candidate = lacking[li] & ~hidden_member
            first = _order(r[candidate], li[candidate], values[0][r[candidate]], codes)
            hide(r[candidate][first])
            continue
        changed = False
        # Whose total is published, as at the start of the pass (for every quantity alike).
        published_total = np.zeros(lines.n_lines, dtype=bool)
        published_total[line[is_parent & ~hidden[row]]] = True
        for q in range(3):
            if not check_room[q].any():
                continue
            at = members(check_room[q])
            check_room[q][:] = False
            r, li, parent_member, v = row[at], line[at], is_parent[at], member_value[q][at]
            hidden_member = hidden[r]
            part_hidden = ~parent_member & hidden_member
            primary_part = part_hidden & member_sensitive[q][at]
            if not primary_part.any():
                continue
            primary_part &= published_total[li]
            mass = np.bincount(li[part_hidden], weights=v[part_hidden], minlength=lines.n_lines)
            short = primary_part & (mass[li] - v < room)
            if not short.any():
                continue
            short_line = np.zeros(lines.n_lines, dtype=bool)
            short_line[li[short]] = True
            in_short = short_line[li]
            candidate = in_short & ~hidden_member & ~parent_member & (v > 0)
            chosen = _order(r[candidate], li[candidate], values[q][r[candidate]], codes)
            # A line with no published non-zero part left: hide its total instead.
            covered = np.zeros(lines.n_lines, dtype=bool)
            covered[li[candidate]] = True
            total = in_short & ~covered[li] & parent_member & ~hidden_member
            more = np.concatenate([r[candidate][chosen], r[total]])
            if len(more):
                hide(more)
                changed = True
        if not changed and not check_count.any():
            return hidden


def _widen(
    pinned: np.ndarray,
    hidden: np.ndarray,
    lines: Lines,
    codes: Mapping[str, np.ndarray],
    values: tuple[np.ndarray, ...],
) -> np.ndarray:
    """For each pinned row, one more cell to hide: the published member with the smallest
    non-zero value of the pinned quantity in a line with the pinned row; failing that, in
    a line one hidden cell further away, and so on; failing all, any published member."""
    more = np.zeros(len(hidden), dtype=bool)
    row, line = lines.row, lines.line
    for r, q in zip(*np.nonzero(pinned), strict=True):
        reached = np.zeros(len(hidden), dtype=bool)
        reached[r] = True
        while True:
            near = np.isin(line, np.unique(line[reached[row]]))
            member = near & ~hidden[row] & ~more[row]
            v = values[q][row]
            useful = member & (np.nan_to_num(v) > 0)
            if useful.any():
                rows = row[useful]
                order = np.lexsort((codes["period"][rows], codes["area"][rows], v[useful]))
                more[rows[order[0]]] = True
                break
            grown = reached.copy()
            grown[row[near & hidden[row]]] = True
            if (grown == reached).all():
                if member.any():
                    more[row[member]] = True
                break
            reached = grown
    return more
