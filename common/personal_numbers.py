"""The one personal-number scanner: normalise any text, find personnummer and
samordningsnummer in it, and mask them before a message or a log line repeats it.

Every text that enters the store or a log passes through here (docs/privacy.md): template
cells, headers, sheet and file names, ``--source`` and the Data page's "Källa" field, EST
files and forms, OIDC display names, audit lines and every :class:`common.errors.Problem`.

Normalising first (:func:`normalise`) defeats look-alike characters: Unicode NFKC (full-width
digits ``８５０７…`` become ``8507…``), every dash (en dash, minus sign U+2212, …) becomes
``-``, every space (no-break, narrow no-break U+202F, ideographic, …) becomes a space,
invisible format characters (zero-width space U+200B, soft hyphen, word joiner, BOM, bidi
marks) and combining marks are dropped, and digits of any script become ASCII digits.

Matching (docs/methods.md §3): the digits of a *chain* — digit groups joined by up to six
separator characters (spaces, ``- + . / _ , '``) — are tried group by group; every run of
consecutive groups holding 10 digits (``YYMMDDNNNC``) or 12 digits (``19``/``20`` +
``YYMMDDNNNC``) is a candidate. A candidate counts when its date is real (day, or day − 60
for a samordningsnummer) and its Luhn check digit is right; the check itself is
python-stdnum's ``stdnum.se.personnummer``. A cell that is exactly nine digits is also tried
with a leading zero (a spreadsheet drops the zero of someone born 2000–2009). For blocking we
prefer false positives (docs/methods.md §3.3): a phone number that happens to pass is refused too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
from stdnum import exceptions as _stdnum_exceptions
from stdnum import luhn as _stdnum_luhn
from stdnum.se import personnummer as _stdnum_pnr

#: Characters that are not in Unicode's dash category (Pd) but look like one.
_EXTRA_DASHES = frozenset("\u2212\u2796\u02d7\u2043\ufe63\uff0d\u2010\u2011\u00ad")
#: Separators allowed between the digit groups of one number (after :func:`normalise`).
_SEPARATORS = " \t\r\n\f\v-+./_,'"
_CHAIN = re.compile(r"[0-9]+(?:[ \t\r\n\f\v\-+./_,']{1,6}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
_NINE = re.compile(r"^[0-9]{9}$")
_PREFILTER = r"[^\x00-\x7f]|(?:[^0-9]*[0-9]){9}"
#: Chains with at least this many digits are masked by :func:`mask` with ``all_long=True``.
LONG_DIGITS = 8
#: A text with fewer digits than this cannot hold an identity number (9 = the lost-zero case).
_MIN_DIGITS = 9


def normalise(text: object) -> str:
    """``text`` with look-alike characters folded (see the module docstring).

    Examples
    --------
    >>> normalise("850709\\u20139805"), normalise("８５０７０９\\u200b-9805")
    ('850709-9805', '850709-9805')
    >>> normalise("85\\u00a007\\u202f09\\u22129805"), normalise("Ålidhem")
    ('85 07 09-9805', 'Ålidhem')
    """
    text = unicodedata.normalize("NFKC", str(text))
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Cf", "Mn", "Me"):
            continue  # zero-width, soft hyphen, BOM, bidi marks, combining marks
        if category == "Pd" or char in _EXTRA_DASHES:
            out.append("-")
        elif category in ("Zs", "Zl", "Zp", "Cc"):
            out.append(" ")
        else:
            digit = unicodedata.decimal(char, None)
            out.append(str(digit) if digit is not None else char)
    return "".join(out)


def _luhn_ok(ten: str) -> bool:
    total = 0
    for i, char in enumerate(ten[:9]):
        product = (ord(char) - 48) * (2 - i % 2)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == ord(ten[9]) - 48


def _valid(digits: str) -> bool:
    """A 10- or 12-digit candidate passes the date (day − 60 allowed) and Luhn checks.

    A cheap arithmetic pre-check first; what passes it is confirmed by python-stdnum
    (``stdnum.se.personnummer`` for the date, ``stdnum.luhn`` for the check digit).
    """
    if len(digits) == 12:
        if digits[:2] not in ("19", "20"):
            return False
        head, date_end = digits[:8], 8
    else:
        head, date_end = digits[:6], 6
    ten = digits[-10:]
    month, day = int(head[-4:-2]), int(head[-2:])
    if day > 60:  # samordningsnummer: the day plus 60
        day -= 60
    if not (1 <= month <= 12 and 1 <= day <= 31) or not _luhn_ok(ten):
        return False
    head = f"{head[:-2]}{day:02d}"
    try:
        _stdnum_pnr.get_birth_date(f"{head}-{digits[date_end:]}")
    except _stdnum_exceptions.ValidationError:
        return False
    return _stdnum_luhn.is_valid(ten)


def _candidates(groups: list[str]) -> Iterable[tuple[int, int]]:
    """(first group, last group) of every run of groups holding 10 or 12 digits."""
    for i in range(len(groups)):
        total = 0
        for j in range(i, len(groups)):
            total += len(groups[j])
            if total in (10, 12):
                yield i, j
            if total >= 12:
                break


def _chain_hits(chain: str) -> bool:
    groups = _GROUP.findall(chain)
    return any(_valid("".join(groups[i : j + 1])) for i, j in _candidates(groups))


def _spans(normal: str) -> list[tuple[int, int]]:
    """Character spans of the chains in normalised text that hold an identity number."""
    found = []
    stripped = normal.strip()
    if _NINE.match(stripped) and _valid("0" + stripped):
        start = normal.index(stripped)
        found.append((start, start + 9))
    for match in _CHAIN.finditer(normal):
        if sum(c.isdigit() for c in match.group()) >= 10 and _chain_hits(match.group()):
            found.append(match.span())
    return found


def text_has_personal_number(text: object) -> bool:
    """True if ``text`` (any object, as text) holds a personnummer or samordningsnummer.

    Examples
    --------
    >>> text_has_personal_number("pnr 19121212-1212"), text_has_personal_number("850709 – 98 05")
    (True, True)
    >>> text_has_personal_number("850709-9806"), text_has_personal_number("Ersboda 2025")
    (False, False)
    """
    if text is None:
        return False
    normal = _normal_with_digits(str(text), _MIN_DIGITS)
    return normal is not None and bool(_spans(normal))


def _normal_with_digits(raw: str, least: int) -> str | None:
    """``normalise(raw)`` when it holds at least ``least`` digits, else None.

    Digits are counted *after* normalising: NFKC turns characters that are not digits
    themselves into several ("⑬" → "13", "½" → "1⁄2"). ASCII text is its own normal form.
    """
    normal = raw if raw.isascii() else normalise(raw)
    if sum(c.isdigit() for c in normal) < least:
        return None
    return normal


def mask(text: object, *, all_long: bool = False) -> str:
    """``text`` safe to show: every identity number's digits become ``#``.

    Unchanged when nothing is found. With a hit (or ``all_long``), the result is the
    :func:`normalise` d text, so hidden characters cannot smuggle digits past the mask;
    ``all_long`` also masks every digit chain of :data:`LONG_DIGITS` or more digits.

    Examples
    --------
    >>> mask("Okänt område '850709–9805'"), mask("rad 12")
    ("Okänt område '######-####'", 'rad 12')
    >>> mask("0701234566", all_long=True)
    '##########'
    """
    raw = "" if text is None else str(text)
    normal = _normal_with_digits(raw, LONG_DIGITS if all_long else _MIN_DIGITS)
    if normal is None:
        return raw
    spans = _spans(normal)
    if all_long:
        spans += [
            m.span()
            for m in _CHAIN.finditer(normal)
            if sum(c.isdigit() for c in m.group()) >= LONG_DIGITS
        ]
    if not spans:
        return raw
    chars = list(normal)
    for start, end in spans:
        for k in range(start, end):
            if chars[k].isdigit():
                chars[k] = "#"
    return "".join(chars)


def _as_text(value) -> str | None:
    """A cell as the text to search; whole numbers as their digits (Excel keeps 8507099805)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return str(abs(int(value)))
    if isinstance(value, (float, np.floating)):
        if np.isfinite(value) and float(value).is_integer() and abs(value) < 1e13:
            return str(abs(int(value)))
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def candidate_strings(values: Iterable) -> pd.Series:
    """Values as text, whole numbers as their digits, missing as None/NaN."""
    if isinstance(values, pd.Series):
        series = values.reset_index(drop=True)
    else:
        series = pd.Series(
            np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
        )
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.abs().astype("int64").astype(str).astype(object)
    if pd.api.types.is_float_dtype(series.dtype):
        floats = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(floats) & (np.mod(floats, 1) == 0) & (np.abs(floats) < 1e13)
        out = np.full(len(floats), None, dtype=object)
        out[whole] = np.abs(floats[whole]).astype("int64").astype(str)
        return pd.Series(out, dtype=object)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    return series.map(_as_text, na_action="ignore").astype(object)


def find_personal_numbers(values: Iterable) -> np.ndarray:
    """Which values hold a personnummer or samordningsnummer, in any disguise.

    Vectorised prefilter: only values with at least nine ASCII digits, or any non-ASCII
    character, are normalised and searched one by one.

    Parameters
    ----------
    values : array-like
        Cells of any type: text (searched anywhere), whole numbers (their digits).

    Returns
    -------
    numpy.ndarray of bool, one per value.

    Examples
    --------
    >>> find_personal_numbers(["19121212-1212", "850709\\u22129805", "701063-2391",
    ...                        "0701234567", "Ersboda", 8507099805]).tolist()
    [True, True, True, False, False, True]
    """
    strings = candidate_strings(values)
    mask_out = np.zeros(len(strings), dtype=bool)
    if len(strings) == 0:
        return mask_out
    # One linear-time regex pass (pyarrow/RE2 for the "str" dtype) picks the few cells worth
    # normalising: nine ASCII digits anywhere, or any non-ASCII character.
    suspicious = (
        pd.Series(strings, dtype="str")
        .str.contains(_PREFILTER, regex=True, na=False)
        .to_numpy(dtype=bool)
    )
    values_obj = strings.to_numpy(dtype=object)
    for position in np.flatnonzero(suspicious):
        mask_out[position] = text_has_personal_number(values_obj[position])
    return mask_out
