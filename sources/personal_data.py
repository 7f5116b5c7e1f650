"""Refusing personal data: identity numbers in any cell, person-level column headers.

The system stores aggregates only (docs/architecture.md principle 1). A file that holds a
personnummer or samordningsnummer anywhere, or has a column that only makes sense for
one person per row (name, address, e-mail, …), is refused as a whole. Messages name the
row and column but never repeat the number.

Detection is the one scanner of :mod:`common.personal_numbers` (docs/methods.md §3.2–3.3):
text is normalised first (NFKC, every dash and space, zero-width characters, full-width
digits), then 10- or 12-digit candidates split by any separators must have a real date (day,
or day − 60 for a samordningsnummer) and a right Luhn digit. See docs/privacy.md.

Person-level *shapes* are refused too (docs/privacy.md "Person-level files"): a column whose
header is a person identifier (``elev_id``, ``löpnr``, ``personid`` …), and a file with a
birth-year/sex/age column whose counts are all 1 (one row per person).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from common.errors import UserError
from common.personal_numbers import (
    find_personal_numbers,
    normalise,
    text_has_personal_number,
)
from common.personal_numbers import (
    mask as mask_text,
)

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


#: Nouns for a person; with an id word (``id``, ``nr``, ``nummer``, ``lopnr``) a person key.
_PERSON_NOUNS = (
    "person",
    "elev",
    "individ",
    "student",
    "pupil",
    "user",
    "anvandare",
    "anvandar",
    "klient",
    "client",
    "patient",
    "kund",
    "brukare",
    "deltagare",
    "participant",
    "barn",
    "ungdom",
    "medlem",
    "member",
)
_ID_WORDS = ("id", "nr", "nummer", "lopnr", "lopnummer", "number", "no")
#: Headers that identify a person row (compared like :data:`PERSON_LEVEL_HEADERS`).
PERSON_ID_HEADERS = frozenset(
    {f"{noun}{word}" for noun in _PERSON_NOUNS for word in _ID_WORDS}
    | {"id", "lopnr", "lopnummer", "individ", "radid", "rowid", "uid", "guid", "uuid"}
)
#: Birth year, sex and age: with counts that are all 1, a file of persons.
DEMOGRAPHIC_HEADERS = frozenset(
    {
        "fodelsear",
        "fodelsearet",
        "fodd",
        "birthyear",
        "yearofbirth",
        "kon",
        "sex",
        "gender",
        "alder",
        "age",
    }
)


def _fold(text: str) -> str:
    """Lower case, å/ä/ö → a/a/o, accents and look-alike characters folded."""
    decomposed = unicodedata.normalize("NFKD", normalise(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
        words = _words(header)
        joined = "".join(words)
        if (
            joined in PERSON_LEVEL_HEADERS
            or joined in PERSON_ID_HEADERS
            or any(w in PERSON_LEVEL_HEADERS for w in words)
        ):
            found.append(header)
    return found


def _words(header: object) -> list[str]:
    folded = _fold(str(header)).replace("-", "")
    return [w for w in re.split(r"[^a-z0-9]+", folded) if w]


def demographic_columns(headers: Iterable[str]) -> list[str]:
    """Headers naming a birth year, sex or age (person-level when every count is 1).

    Examples
    --------
    >>> demographic_columns(["omrade", "Kön", "födelseår", "antal"])
    ['Kön', 'födelseår']
    """
    return [h for h in headers if "".join(_words(h)) in DEMOGRAPHIC_HEADERS]


def refuse_one_row_per_person(
    demographic: Sequence[str], *, counts_all_one: bool, rows: int, file_name: str | None
) -> None:
    """Refuse a file with a birth-year/sex/age column whose counts are all 1 (≥ 2 rows).

    Examples
    --------
    >>> refuse_one_row_per_person(["kön"], counts_all_one=False, rows=10, file_name="a.csv")
    >>> try:
    ...     refuse_one_row_per_person(["kön"], counts_all_one=True, rows=10, file_name="a.csv")
    ... except UserError as exc:
    ...     print(exc.problem.column)
    kön
    """
    if demographic and counts_all_one and rows >= 2:
        raise UserError(
            "Filen ser ut att ha en rad per person: alla antal är 1 och kolumnen "
            f"'{mask_text(demographic[0], all_long=True)}' anger födelseår, kön eller ålder. Systemet "
            "tar bara emot sammanräknade uppgifter per område och period; hela filen avvisas.",
            file=file_name,
            column=demographic[0],
            message_en="The file looks like one row per person (all counts 1 with a "
            "birth-year/sex/age column); only aggregates are accepted.",
        )


def refuse_personal_text(text: object, *, what: str, file_name: str | None = None) -> None:
    """Refuse one text field (file name, sheet name, source, form field, display name) that
    holds an identity number; the message names the field, never the text.

    Examples
    --------
    >>> refuse_personal_text("Socialtjänsten", what="källan")
    >>> try:
    ...     refuse_personal_text("rapport 850709\u20139805.csv", what="filnamnet")
    ... except UserError as exc:
    ...     print(exc)
    Filnamnet innehåller ett personnummer eller samordningsnummer. Systemet tar bara emot sammanräknade uppgifter; ingenting har lästs in eller sparats. Ta bort numret och försök igen.
    """
    if text_has_personal_number(text):
        raise UserError(
            f"{what[:1].upper()}{what[1:]} innehåller ett personnummer eller "
            "samordningsnummer. Systemet tar bara emot sammanräknade uppgifter; ingenting har "
            "lästs in eller sparats. Ta bort numret och försök igen.",
            file=None if file_name is None else mask_text(file_name, all_long=True),
            message_en=f"A personal identity number in {what}; nothing was imported or saved.",
        )


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
        names = ", ".join(f"'{mask_text(c, all_long=True)}'" for c in person_columns)
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
    for position, column in enumerate(frame.columns):  # by position: headers may repeat
        hits = find_personal_numbers_in_column(frame.iloc[:, position])
        if hits.any():
            cells += int(hits.sum())
            row = int(row_numbers[np.flatnonzero(hits)[0]])
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
