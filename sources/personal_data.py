"""Refusing personal data: identity numbers in any cell, person-level column headers.

The system stores aggregates only (DESIGN.md principle 1). A file that holds a
personnummer or samordningsnummer anywhere, or has a column that only makes sense for
one person per row (name, address, e-mail, …), is refused as a whole. Messages name the
row and column but never repeat the number.

Detection follows methods.md §3.2–3.3: a regex finds 10- or 12-digit candidates with or
without a ``-``/``+``/space separator, then a candidate counts when its Luhn check digit is
right *and* its date is a real calendar date (day, or day − 60 for a samordningsnummer).
For blocking we prefer false positives (methods.md §3.3), so a 9-digit *number* is also
tested with a leading zero: a spreadsheet drops the zero of someone born 2000–2009.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from common.errors import UserError

#: methods.md §3.3 step 2, with named groups.
PERSONAL_NUMBER_PATTERN = (
    r"(?<!\d)(?P<century>19|20)?(?P<yy>\d{2})(?P<mm>0[1-9]|1[0-2])"
    r"(?P<dd>0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+ ]?(?P<serial>\d{3})(?P<check>\d)(?!\d)"
)
_PERSONAL_NUMBER_RE = re.compile(PERSONAL_NUMBER_PATTERN)
_NINE_DIGITS_RE = re.compile(r"^\s*\d{9}\s*$")
_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

#: Header words that mean one person per row (compared after folding case, å/ä/ö and hyphens).
PERSON_LEVEL_HEADERS = frozenset(
    {
        "namn",
        "name",
        "fornamn",
        "efternamn",
        "tilltalsnamn",
        "firstname",
        "lastname",
        "surname",
        "fullname",
        "adress",
        "address",
        "gatuadress",
        "hemadress",
        "postadress",
        "personnummer",
        "pnr",
        "personnr",
        "persnr",
        "ssn",
        "fodelsedatum",
        "birthdate",
        "dateofbirth",
        "dob",
        "samordningsnummer",
        "samordningsnr",
        "epost",
        "epostadress",
        "email",
        "emailaddress",
        "mail",
        "telefon",
        "telefonnummer",
        "telnr",
        "phone",
        "mobil",
        "mobilnummer",
    }
)


def _fold(text: str) -> str:
    """Lower case, å/ä/ö → a/a/o, accents removed."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _candidate_strings(values: Iterable) -> pd.Series:
    """Values as strings; whole numbers become their digits (Excel keeps 8507099805 as a number)."""
    if isinstance(values, pd.Series):
        series = values.reset_index(drop=True)
    else:
        series = pd.Series(
            np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
        )
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.abs().astype("int64").astype(str)
    if pd.api.types.is_float_dtype(series.dtype):
        floats = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(floats) & (np.mod(floats, 1) == 0) & (np.abs(floats) < 1e13)
        out = pd.Series(np.full(len(floats), None, dtype=object))
        out[whole] = np.abs(floats[whole]).astype("int64").astype(str)
        return out.astype("str")
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    return series.map(_cell_text, na_action="ignore").astype("str")


def _cell_text(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return str(abs(int(value)))
    if isinstance(value, (float, np.floating)):
        if np.isfinite(value) and float(value).is_integer() and abs(value) < 1e13:
            return str(abs(int(value)))
        return None
    return str(value)


def _valid_candidates(found: pd.DataFrame) -> np.ndarray:
    """Luhn over the 10-digit form and a real date (day or day − 60) for each candidate row."""
    if found.empty:
        return np.zeros(0, dtype=bool)
    ten = (found["yy"] + found["mm"] + found["dd"] + found["serial"] + found["check"]).to_numpy(
        dtype=object
    )
    digits = (
        np.frombuffer("".join(ten).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - ord("0")
    ).astype(np.int64)
    products = digits[:, :9] * _LUHN_WEIGHTS
    products = np.where(products > 9, products - 9, products)
    luhn_ok = (10 - products.sum(axis=1) % 10) % 10 == digits[:, 9]

    yy = digits[:, 0] * 10 + digits[:, 1]
    month = digits[:, 2] * 10 + digits[:, 3]
    day = digits[:, 4] * 10 + digits[:, 5]
    day = np.where(day > 60, day - 60, day)  # samordningsnummer
    century = pd.to_numeric(found["century"], errors="coerce").to_numpy(dtype="float64")
    year = np.where(np.isnan(century), np.nan, century * 100 + yy)
    # Without the century, 29 February is possible when yy % 4 == 0 (2000 was a leap year).
    leap = np.where(
        np.isnan(year),
        yy % 4 == 0,
        (np.nan_to_num(year).astype(int) % 4 == 0)
        & (
            (np.nan_to_num(year).astype(int) % 100 != 0)
            | (np.nan_to_num(year).astype(int) % 400 == 0)
        ),
    )
    days = _DAYS_IN_MONTH[month] + ((month == 2) & leap)
    date_ok = (day >= 1) & (day <= days)
    return luhn_ok & date_ok


def find_personal_numbers(values: Iterable) -> np.ndarray:
    """Which values hold a Luhn-valid personnummer or samordningsnummer (methods.md §3).

    Parameters
    ----------
    values : array-like
        Cells of any type: text (searched anywhere in the text), whole numbers (their digits).

    Returns
    -------
    numpy.ndarray of bool, one per value.

    Examples
    --------
    >>> find_personal_numbers(["19121212-1212", "850709-9805", "701063-2391",
    ...                        "0701234567", "Ersboda", 8507099805]).tolist()
    [True, True, True, False, False, True]
    """
    strings = _candidate_strings(values)
    mask = np.zeros(len(strings), dtype=bool)
    if len(strings) == 0:
        return mask
    # Cheap prefilter (a vectorised regex engine handles it); the full pattern needs lookbehind.
    has_run = strings.str.contains(r"\d{6}", regex=True, na=False).to_numpy(dtype=bool)
    if not has_run.any():
        return mask
    positions = np.flatnonzero(has_run)
    subset = pd.Series(strings.to_numpy(dtype=object)[positions], dtype=object)
    nine = subset.str.match(_NINE_DIGITS_RE.pattern, na=False).to_numpy(dtype=bool)
    if nine.any():
        padded = subset.copy()
        padded[nine] = "0" + subset[nine].str.strip()
        subset = pd.concat([subset, padded[nine]], ignore_index=True)
        positions = np.concatenate([positions, positions[nine]])
    found = subset.str.extractall(PERSONAL_NUMBER_PATTERN)
    if found.empty:
        return mask
    valid = _valid_candidates(found)
    hits = found.index.get_level_values(0).to_numpy()[valid]
    mask[positions[hits]] = True
    return mask


def is_personal_number(text: str) -> bool:
    """True if ``text`` holds a valid personnummer or samordningsnummer.

    Examples
    --------
    >>> is_personal_number("19121212-1212"), is_personal_number("19121212-1213")
    (True, False)
    """
    return bool(find_personal_numbers([text])[0])


def person_level_columns(headers: Iterable[str]) -> list[str]:
    """Headers that look person-level (name, address, identity number, e-mail, phone, …).

    A header matches when, after folding case, å/ä/ö and hyphens, the whole header or one of
    its words is in :data:`PERSON_LEVEL_HEADERS` ("Elevens namn", "E-post", "Födelsedatum").

    Examples
    --------
    >>> person_level_columns(["omrade", "Förnamn", "E-post", "områdesnamn", "date of birth"])
    ['Förnamn', 'E-post', 'date of birth']
    """
    found = []
    for header in headers:
        folded = _fold(header).replace("-", "")
        words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
        if "".join(words) in PERSON_LEVEL_HEADERS or any(w in PERSON_LEVEL_HEADERS for w in words):
            found.append(header)
    return found


def refuse_personal_data(
    frame: pd.DataFrame,
    *,
    file_name: str | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    labels: dict | None = None,
    allowed_columns: Iterable[str] = (),
) -> None:
    """Raise :class:`UserError` if ``frame`` holds personal data; the message never echoes it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file's cells (any dtype); column names are the headers as read.
    file_name : str, optional
        Named in the message.
    rows : sequence of int, optional
        The row number the user sees for each frame row (header = 1); default ``index + 2``.
    labels : dict, optional
        Column name → header as written in the file, for the message.
    allowed_columns : iterable of str
        Columns exempt from the header rule (e.g. ``namn`` of an intervention); their cells
        are still searched for identity numbers.

    Examples
    --------
    >>> refuse_personal_data(pd.DataFrame({"omrade": ["Ersboda"], "antal": [5]}))
    >>> try:
    ...     refuse_personal_data(pd.DataFrame({"kommentar": ["ok", "pnr 850709-9805"]}),
    ...                          file_name="a.csv")
    ... except UserError as exc:
    ...     print(exc.problem.row, exc.problem.column, "9805" in str(exc))
    3 kommentar False
    """
    labels = labels or {}
    allowed = {_fold(c) for c in allowed_columns}
    headers = [c for c in frame.columns if _fold(c) not in allowed]
    person_columns = person_level_columns([str(labels.get(c, c)) for c in headers])
    if person_columns:
        names = ", ".join(f"'{c}'" for c in person_columns)
        raise UserError(
            f"Filen har kolumner med uppgifter om enskilda personer ({names}). Systemet tar bara "
            "emot sammanräknade uppgifter per område; hela filen avvisas. Ta bort kolumnen och "
            "lämna bara antal per område och period.",
            file=file_name,
            column=person_columns[0],
            message_en="The file has person-level columns; only aggregates are accepted.",
        )
    row_numbers = np.asarray(rows) if rows is not None else np.arange(len(frame)) + 2
    first: tuple[int, str] | None = None
    cells = 0
    for column in frame.columns:
        mask = find_personal_numbers_in_column(frame[column])
        if mask.any():
            cells += int(mask.sum())
            row = int(row_numbers[np.flatnonzero(mask)[0]])
            if first is None or row < first[0]:
                first = (row, str(labels.get(column, column)))
    if first is not None:
        more = f" (och {cells - 1} celler till)" if cells > 1 else ""
        raise UserError(
            f"Filen innehåller ett personnummer eller samordningsnummer{more}. Systemet tar "
            "bara emot sammanräknade uppgifter; hela filen avvisas och ingenting har lästs in. "
            "Ta bort uppgiften ur filen och försök igen.",
            file=file_name,
            row=first[0],
            column=first[1],
            message_en="The file contains a Swedish personal identity number; it was refused.",
        )


def find_personal_numbers_in_column(column: pd.Series) -> np.ndarray:
    """:func:`find_personal_numbers` on each distinct value once (fast for repetitive columns).

    Examples
    --------
    >>> find_personal_numbers_in_column(pd.Series(["a", "850709-9805", "a"])).tolist()
    [False, True, False]
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(column), dtype=bool)
    hit = np.append(find_personal_numbers(pd.Series(uniques)), False)
    return hit[codes]
