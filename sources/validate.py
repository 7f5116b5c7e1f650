"""Validating template rows: every problem found, with the row and column the user sees.

The checks are vectorised: each column is factorised and a rule is evaluated once per
*distinct* value (area names, measures and periods repeat a lot), numbers are parsed with
pandas, and the per-row rules are boolean masks. A million rows validate in about a second.

Rows are checked chunk by chunk (:class:`ObservationCollector`), problems from all chunks are
collected, and only when the whole file is clean are rows combined: duplicate keys, and
DeSO/RegSO rows summed into their district (``data/templates/README.md``).

Rules (messages in Swedish, row = the row number in the file, header = row 1):

* area: known district, stadsdel, municipality, DeSO or RegSO (``geo.areas.resolve_area``);
* measure: a known measure id (the indicator catalogue and its population measures);
* period: ``2025``, ``2025-VT``, ``2025-03`` or ``2025-W47`` in any of the documented forms;
* numbers: decimal comma or point, spaces as thousands separators; no negative ``antal`` or
  ``namnare``; nothing above 1 000 000 000; ``antal`` or ``varde`` on every row;
* proportions: ``antal`` ≤ ``namnare``; a ``namnare`` of 0 needs ``antal`` 0;
* text cells: nothing that a spreadsheet would run (starting with ``= + - @``) and no HTML;
* keys: each area × period × measure once; a district given directly or through its
  DeSO/RegSO codes, not both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

import catalogue
from common.errors import Problem, ValidationError
from common.personal_numbers import mask, normalise
from geo.areas import resolve_area
from sources.periods import normalise_period, period_kind

#: Template columns (canonical names) in their documented order.
TEMPLATE_COLUMNS = ("omrade", "period", "matt", "antal", "namnare", "varde", "kalla")
REQUIRED_COLUMNS = ("omrade", "period", "matt")
NUMBER_COLUMNS = ("antal", "namnare", "varde")
OBSERVATION_COLUMNS = ["measure_id", "area_code", "period", "count", "denominator", "value"]
#: Larger numbers are refused: no district count comes near it, a pasted id does.
MAX_NUMBER = 1e9
#: Problems kept in full; beyond this only the count grows (the report shows 50).
MAX_KEPT_PROBLEMS = 1000

_DIRECT, _DESO, _REGSO = 0, 1, 2
_DESO_RE = re.compile(r"^(\d{4}[A-C]\d{4})(?:_DESO\d{4})?$")
_REGSO_RE = re.compile(r"^(\d{4}R\d{3})(?:_REGSO\d{4})?$")
_FORMULA_START = r"^[=+\-@\t\r]."
_HTML = r"<\s*[A-Za-z!/?]"
_LABELS_SV = {
    "omrade": "område",
    "period": "period",
    "matt": "mått",
    "antal": "antal",
    "namnare": "nämnare",
    "varde": "värde",
    "kalla": "källa",
}


class ImportValidationError(ValidationError):
    """A :class:`ValidationError` that keeps the first problems and counts all of them."""

    def __init__(self, problems: list[Problem], *, file: str | None, total: int) -> None:
        super().__init__(problems, file=file)
        self.total = total
        head = f"{total} fel i {file}" if file else f"{total} fel"
        head += ". Ingenting har lästs in; rätta felen och läs in filen igen."
        self.problem = Problem(head)
        self.args = (head,)
        self.message_en = f"{total} problems; nothing was imported."

    def report(self, limit: int = 50) -> str:
        lines = [str(self.problem)]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if self.total > limit:
            lines.append(f"  … och {self.total - limit} fel till ({self.total} totalt)")
        return "\n".join(lines)


class ProblemLog:
    """Problems of one file: the first :data:`MAX_KEPT_PROBLEMS` kept, all counted.

    Examples
    --------
    >>> log = ProblemLog("a.csv")
    >>> log.add_rows(np.array([3, 5]), "Okänt mått", column="matt")
    >>> log.total, str(log.problems[0])
    (2, 'fil a.csv, rad 3, kolumn matt: Okänt mått')
    """

    def __init__(self, file: str | None, *, limit: int = MAX_KEPT_PROBLEMS) -> None:
        self.file = file
        self.limit = limit
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(Problem(message, file=self.file, row=row, column=column))

    def add_rows(self, rows: np.ndarray, messages: str | np.ndarray, *, column: str | None) -> None:
        """One problem per row; ``messages`` is one text or one per row."""
        n = len(rows)
        if n == 0:
            return
        room = max(self.limit - len(self.problems), 0)
        for i in range(min(n, room)):
            text = messages if isinstance(messages, str) else str(messages[i])
            self.problems.append(Problem(text, file=self.file, row=int(rows[i]), column=column))
        self.total += n

    def raise_if_any(self) -> None:
        if self.total:
            ordered = sorted(self.problems, key=lambda p: p.row if p.row is not None else 0)
            raise ImportValidationError(ordered, file=self.file, total=self.total)


def quote(value: object, *, width: int = 40) -> str:
    """A user value for a message: normalised, shortened, identity numbers and every long
    digit chain masked (:func:`common.personal_numbers.mask`), control characters dropped.

    Examples
    --------
    >>> quote("Ersbod"), quote("x" * 50), quote("850709-9806"), quote("85 07 09\u22129805")
    ("'Ersbod'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'", "'######-####'", "'## ## ##-####'")
    """
    text = mask(normalise(value), all_long=True)
    text = "".join(c if c.isprintable() else " " for c in text)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"'{text}'"


def format_number(x: float) -> str:
    """Swedish number for messages: ``1 234,5`` (narrow no-break space, decimal comma)."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "\u202f")
    return f"{x:,.3f}".rstrip("0").replace(",", "\u202f").replace(".", ",")


def period_start(period: str) -> date | None:
    """First day of a normalised period (``2025``, ``2025-HT``, ``2025-03``, ``2025-W47``).

    Examples
    --------
    >>> [str(period_start(p)) for p in ["2025", "2025-VT", "2025-HT", "2025-03", "2025-W47"]]
    ['2025-01-01', '2025-01-01', '2025-07-01', '2025-03-01', '2025-11-17']
    """
    try:
        kind = period_kind(period)
        year = int(period[:4])
        if kind == "year":
            return date(year, 1, 1)
        suffix = period[5:]
        if suffix in ("VT", "HT"):
            return date(year, 1 if suffix == "VT" else 7, 1)
        if suffix.startswith("W"):
            return date.fromisocalendar(year, int(suffix[1:]), 1)
        return date(year, int(suffix), 1)
    except (ValueError, TypeError):
        return None


def allows_forecast(measure_id: str) -> bool:
    """Whether a measure may have periods that have not begun (a forecast, ``prognos``).

    Examples
    --------
    >>> allows_forecast("befolkning_prognos"), allows_forecast("pop_total")
    (True, False)
    """
    text = str(measure_id).casefold()
    return "prognos" in text or "forecast" in text


# --- measures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureCatalogue:
    """Known measure ids and, where known, their kind (proportion, rate, mean, count).

    Examples
    --------
    >>> m = MeasureCatalogue.from_known({"andel_x": "proportion", "pop_total": "count"})
    >>> m.lookup("ANDEL_X "), m.kind("andel_x"), m.lookup("okänd")
    ('andel_x', 'proportion', None)
    """

    kinds: Mapping[str, str | None]
    _by_key: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_known(cls, known: Mapping[str, str | None] | Iterable[str] | None) -> MeasureCatalogue:
        """From a set of ids, a mapping id → kind, or (None) the indicator catalogue."""
        if known is None:
            kinds = catalogue_measure_kinds()
        elif isinstance(known, Mapping):
            kinds = {
                str(k): (v if v in ("proportion", "rate", "mean", "count") else None)
                for k, v in known.items()
            }
        else:
            kinds = {str(k): None for k in known}
        return cls(kinds, {k.strip().casefold(): k for k in kinds})

    def lookup(self, text: str) -> str | None:
        return self._by_key.get(str(text).strip().casefold())

    def kind(self, measure_id: str) -> str | None:
        return self.kinds.get(measure_id)

    def suggestion(self, text: str) -> str | None:
        close = difflib.get_close_matches(
            str(text).strip().casefold(), list(self._by_key), n=1, cutoff=0.75
        )
        return self._by_key[close[0]] if close else None


def catalogue_measure_kinds() -> dict[str, str | None]:
    """Measure id → kind from the indicator catalogue; population measures are counts.

    Other measures the catalogue knows (read by registered input functions) have no kind here.
    """

    kinds: dict[str, str | None] = {}
    if hasattr(catalogue, "known_measures"):
        kinds.update(dict.fromkeys(catalogue.known_measures()))
    kinds.update(dict.fromkeys(getattr(catalogue, "POPULATION_MEASURES", {}), "count"))
    kinds.update({ind.id: ind.kind for ind in catalogue.load_catalogue().values()})
    # A mean's sum of squared scores is fractional like the mean's own sum (#16).
    kinds.update(
        {
            ind.sum_squares_measure: "mean"
            for ind in catalogue.load_catalogue().values()
            if ind.sum_squares_measure
        }
    )
    return kinds


def catalogue_value_ranges() -> dict[str, tuple[str, int, float, float]]:
    """Measure id → (kind, multiplier, lowest, highest) from the catalogue's valid ranges."""
    return catalogue.measure_value_ranges()


# --- areas ----------------------------------------------------------------------------------------


class AreaLookup:
    """Area names/codes → (our code, how it was given), each distinct text resolved once.

    ``how`` is direct (a district, stadsdel or municipality), DeSO or RegSO; DeSO and RegSO
    rows are summed into their district later. ``statistical_key`` is the DeSO/RegSO code
    without the PxWeb version suffix (for duplicate checks).
    """

    def __init__(self, resolve: Callable[[str], str | None] | None = None) -> None:
        if resolve is None:
            resolve = resolve_area
        self._resolve = resolve
        self._cache: dict[str, tuple[str | None, int, str | None]] = {}

    def __call__(self, text: str) -> tuple[str | None, int, str | None]:
        hit = self._cache.get(text)
        if hit is None:
            compact = re.sub(r"\s+", "", text).upper()
            kind, key = _DIRECT, None
            match = _DESO_RE.match(compact)
            if match:
                kind, key = _DESO, match.group(1)
            else:
                match = _REGSO_RE.match(compact)
                if match:
                    kind, key = _REGSO, match.group(1)
            hit = (self._resolve(text) if text else None, kind, key)
            self._cache[text] = hit
        return hit


class _Vocabulary:
    """Strings ↔ small integer codes, shared by all chunks of a file."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def code(self, value: str) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def sorted_codes(self, codes: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """``codes`` renumbered so that their order is the strings' order, and the strings."""
        order = np.argsort(np.array(self.values, dtype=object), kind="stable")
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        return rank[codes], [self.values[i] for i in order]


# --- numbers and text -----------------------------------------------------------------------------


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers written the Swedish or the English way → (float array, unreadable mask).

    Spaces (also no-break and narrow no-break) are thousands separators; a comma is the
    decimal sign. Empty cells are NaN and not unreadable; "nan"/"inf" are unreadable.

    Examples
    --------
    >>> x, bad = parse_numbers(pd.Series(["12,5", "1 234", "", "abc", "1e3", "-2"]))
    >>> x.tolist()[:2], bad.tolist()
    ([12.5, 1234.0], [False, False, False, True, False, False])
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed, unreadable = _parse_texts(pd.Series(uniques, dtype="str"))
    parsed = np.append(parsed, np.nan)
    unreadable = np.append(unreadable, False)
    return parsed[codes], unreadable[codes]


def _parse_texts(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_numbers` of distinct texts (no missing values): (numbers, unreadable)."""
    text = texts.str.strip()
    cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(
        ",", ".", regex=False
    )
    parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan, copy=True
    )
    empty = (text == "").to_numpy(dtype=bool)
    words = cleaned.str.contains(
        r"^[+-]?(?:nan|inf|infinity)$", case=False, regex=True, na=False
    ).to_numpy(dtype=bool)
    parsed[words] = np.nan
    unreadable = (np.isnan(parsed) & ~empty) | words
    return parsed, unreadable


def unsafe_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Masks (formula-like, HTML) for text cells; see OWASP "CSV injection".

    Examples
    --------
    >>> f, h = unsafe_text(pd.Series(['=HYPERLINK("http://x")', "<script>alert(1)</script>",
    ...                                "Ersboda", "-", "@SUM(A1)"]))
    >>> f.tolist(), h.tolist()
    ([True, False, False, False, True], [False, True, False, False, False])
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    formula, html = _unsafe_stripped(pd.Series(uniques, dtype="str").str.strip())
    return np.append(formula, False)[codes], np.append(html, False)[codes]


def _unsafe_stripped(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`unsafe_text` of distinct, already stripped texts."""
    formula = text.str.contains(_FORMULA_START, regex=True, na=False).to_numpy(dtype=bool)
    html = text.str.contains(_HTML, regex=True, na=False).to_numpy(dtype=bool)
    return formula, html


class _Distinct:
    """A text column factorised once: per-row codes into its distinct texts, which every rule
    reads (stripped, parsed, resolved) once; a missing cell counts as an empty text.

    Examples
    --------
    >>> d = _Distinct(pd.Series([" a", "b", " a", None], dtype="str"))
    >>> d.codes.tolist(), d.stripped.tolist(), d.rows(d.stripped.to_numpy() == "a").tolist()
    ([0, 1, 0, 2], ['a', 'b', ''], [True, False, True, False])
    """

    def __init__(self, column: pd.Series) -> None:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        self.texts = pd.Series(np.append(np.asarray(uniques, dtype=object), ""), dtype="str")
        self.codes = np.where(codes < 0, len(self.texts) - 1, codes)
        self.stripped = self.texts.str.strip()
        self.empty = (self.stripped == "").to_numpy(dtype=bool)

    def rows(self, per_text: np.ndarray) -> np.ndarray:
        """A value per distinct text → one per row."""
        return np.asarray(per_text)[self.codes]

    def only(self, keep: np.ndarray) -> _Distinct:
        """The same distinct texts for the rows in ``keep``."""
        other = object.__new__(_Distinct)
        other.texts, other.stripped, other.empty = self.texts, self.stripped, self.empty
        other.codes = self.codes[keep]
        return other

    def stripped_at(self, mask: np.ndarray) -> np.ndarray:
        """Stripped texts of the rows in ``mask`` (for messages)."""
        return self.stripped.to_numpy(dtype=object)[self.codes[mask]]

    def texts_at(self, mask: np.ndarray) -> np.ndarray:
        """Texts as written of the rows in ``mask`` (for messages)."""
        return self.texts.to_numpy(dtype=object)[self.codes[mask]]


def _formula_message(cells: pd.Series | np.ndarray) -> np.ndarray:
    first = pd.Series(cells, dtype="str").str.strip().str[:1].to_numpy(dtype=object)
    return np.array(
        [
            f"Cellen börjar med '{c}' och kan tolkas som en formel av Excel; formler "
            "och sådana värden tas inte emot"
            for c in first
        ],
        dtype=object,
    )


_HTML_MESSAGE = "Cellen innehåller HTML eller skript ('<…'); sådant tas inte emot"


# --- checking chunks ------------------------------------------------------------------------------


@dataclass
class _Chunk:
    area: np.ndarray
    kind: np.ndarray
    stat_key: np.ndarray
    period: np.ndarray
    measure: np.ndarray
    count: np.ndarray
    denominator: np.ndarray
    value: np.ndarray
    row: np.ndarray


class ObservationCollector:
    """Checks template chunks, collects their problems and their valid rows.

    Parameters
    ----------
    measures : MeasureCatalogue
    file : str
        File name used in every problem.
    areas : AreaLookup, optional
        Default: ``geo.areas.resolve_area``.
    labels : dict, optional
        Canonical column → header as written in the file (used in messages).
    separator : str, optional
        The file's separator; a row written with another one gets its own message.
    today : datetime.date, optional
        Periods starting after it are refused unless the measure allows forecasts
        (:func:`allows_forecast`); default the current date.

    Examples
    --------
    >>> c = ObservationCollector(MeasureCatalogue.from_known({"x": "proportion"}), file="a.csv",
    ...     areas=AreaLookup(lambda s: {"ersboda": "d-ersboda"}.get(s.lower())))
    >>> c.add(pd.DataFrame({"omrade": ["Ersboda"], "period": ["2025"], "matt": ["x"],
    ...                     "antal": ["3"], "namnare": ["10"]}), rows=np.array([2]))
    >>> c.finish()[["area_code", "period", "measure_id", "count", "denominator"]].values.tolist()
    [['d-ersboda', '2025', 'x', 3.0, 10.0]]
    """

    def __init__(
        self,
        measures: MeasureCatalogue,
        *,
        file: str,
        areas: AreaLookup | None = None,
        labels: Mapping[str, str] | None = None,
        separator: str | None = None,
        today: date | None = None,
    ) -> None:
        self.measures = measures
        self.file = file
        self.areas = areas or AreaLookup()
        self.labels = dict(labels or {})
        self.separator = separator
        self.today = today or date.today()
        self.log = ProblemLog(file)
        self.rows_read = 0
        self.sources: set[str] = set()
        self._areas, self._periods = _Vocabulary(), _Vocabulary()
        self._measure_ids, self._stat_keys = _Vocabulary(), _Vocabulary()
        self._chunks: list[_Chunk] = []

    def _label(self, column: str) -> str:
        return self.labels.get(column, column)

    def add(self, frame: pd.DataFrame, *, rows: np.ndarray) -> None:
        """Check one chunk: ``frame`` has the canonical template columns (text cells, "" if
        empty) and maybe extra columns; ``rows`` are the file row numbers."""
        rows = np.asarray(rows, dtype=np.int64)
        frame = frame.reset_index(drop=True)
        # Every column is factorised once; the rules below run on its distinct texts.
        distinct = {column: _Distinct(frame[column]) for column in frame.columns}
        filled = np.zeros(len(frame), dtype=bool)
        for d in distinct.values():
            filled |= d.rows(~d.empty)
        if not filled.all():  # blank lines keep their number but are otherwise ignored
            frame, rows = frame[filled].reset_index(drop=True), rows[filled]
            distinct = {column: d.only(filled) for column, d in distinct.items()}
        self.rows_read += len(frame)
        if frame.empty:
            return
        bad = self._wrong_separator(frame, rows, distinct)

        for column in frame.columns:  # every text cell, also extra columns
            if column in NUMBER_COLUMNS:
                continue
            d = distinct[column]
            formula_u, html_u = _unsafe_stripped(d.stripped)
            formula, html = d.rows(formula_u), d.rows(html_u)
            self._report(
                formula & ~bad, rows, _formula_message(d.stripped_at(formula & ~bad)), column
            )
            self._report(html & ~bad, rows, _HTML_MESSAGE, column)
            bad |= formula | html

        area = distinct["omrade"]
        resolved = [self.areas(str(u)) for u in area.stripped]
        area_code = area.rows(
            np.array([-1 if r[0] is None else self._areas.code(r[0]) for r in resolved], np.int64)
        )
        kind = area.rows(np.array([r[1] for r in resolved], dtype=np.int8))
        stat_key = area.rows(
            np.array(
                [-1 if r[2] is None else self._stat_keys.code(r[2]) for r in resolved], np.int64
            )
        )
        empty_area = area.rows(area.empty)
        self._report(empty_area & ~bad, rows, "Område saknas", "omrade")
        unknown = (area_code < 0) & ~empty_area & ~bad
        self._report(
            unknown,
            rows,
            np.array(
                [
                    f"Okänt område {quote(a)} (ange stadsdel, distrikt, DeSO- eller RegSO-kod)"
                    for a in area.stripped_at(unknown)
                ],
                dtype=object,
            ),
            "omrade",
        )

        measure_d = distinct["matt"]
        found = [self.measures.lookup(str(u)) for u in measure_d.stripped]
        measure = measure_d.rows(
            np.array([-1 if m is None else self._measure_ids.code(m) for m in found], np.int64)
        )
        empty_measure = measure_d.rows(measure_d.empty)
        self._report(empty_measure & ~bad, rows, "Mått saknas", "matt")
        unknown = (measure < 0) & ~empty_measure & ~bad
        if unknown.any():
            messages = {}
            texts = measure_d.stripped_at(unknown)
            for text in pd.unique(texts):
                hint = self.measures.suggestion(text)
                messages[text] = f"Okänt mått {quote(text)}" + (
                    f" (menade du '{hint}'?)" if hint else " (måttens id finns på sidan Om & metod)"
                )
            self._report(
                unknown, rows, np.array([messages[t] for t in texts], dtype=object), "matt"
            )

        period_d = distinct["period"]
        normalised = [normalise_period(str(u)) for u in period_d.stripped]
        period = period_d.rows(
            np.array([-1 if p is None else self._periods.code(p) for p in normalised], np.int64)
        )
        empty_period = period_d.rows(period_d.empty)
        self._report(empty_period & ~bad, rows, "Period saknas", "period")
        unknown = (period < 0) & ~empty_period & ~bad
        self._report(
            unknown,
            rows,
            np.array(
                [
                    f"Perioden {quote(p)} kan inte läsas (skriv t.ex. 2025, 2025-VT, 2025-03 eller "
                    "2025-W47)"
                    for p in period_d.stripped_at(unknown)
                ],
                dtype=object,
            ),
            "period",
        )
        starts = period_d.rows(
            np.array(
                [np.datetime64("NaT") if p is None else period_start(p) for p in normalised],
                dtype="datetime64[D]",
            )
        )
        forecast = np.array(
            [allows_forecast(m) for m in self._measure_ids.values] + [False], dtype=bool
        )[measure]
        future = (
            (starts > np.datetime64(self.today, "D"))
            & ~forecast
            & ~bad
            & (period >= 0)
            & (measure >= 0)
        )
        self._report(
            future,
            rows,
            np.array(
                [
                    f"Perioden {quote(p)} har inte börjat ännu (i dag är det {self.today:%Y-%m-%d}); "
                    "framtida perioder tas bara emot för prognosmått"
                    for p in period_d.stripped_at(future)
                ],
                dtype=object,
            ),
            "period",
        )
        bad |= future

        numbers = {}
        structural = bad.copy()  # rows already explained; each number cell is still checked
        for column in NUMBER_COLUMNS:
            if column not in frame.columns:
                numbers[column] = np.full(len(frame), np.nan)
                continue
            d = distinct[column]
            parsed_u, unreadable_u = _parse_texts(d.texts)
            formula_u, html_u = _unsafe_stripped(d.stripped)
            parsed, unreadable = d.rows(parsed_u), d.rows(unreadable_u)
            formula, html = d.rows(formula_u & unreadable_u), d.rows(html_u & unreadable_u)
            shown = formula & ~structural
            self._report(shown, rows, _formula_message(d.texts_at(shown)), column)
            self._report(html & ~structural, rows, _HTML_MESSAGE, column)
            plain = unreadable & ~formula & ~html & ~structural
            self._report(
                plain,
                rows,
                np.array(
                    [
                        f"{quote(v)} är inte ett tal (lämna cellen tom om värdet saknas)"
                        for v in d.texts_at(plain)
                    ],
                    dtype=object,
                ),
                column,
            )
            huge = np.abs(np.nan_to_num(parsed)) > MAX_NUMBER
            self._report(
                huge & ~structural,
                rows,
                "Talet är orimligt stort (över 1\u202f000\u202f000\u202f000)",
                column,
            )
            bad |= unreadable | huge
            if column != "varde":
                # Counts are whole numbers; the antal of a mean is a sum (merit points).
                means = [
                    i
                    for i, m in enumerate(self._measure_ids.values)
                    if self.measures.kind(m) == "mean"
                ]
                whole = np.round(parsed)
                fractional = (
                    ~np.isnan(parsed)
                    & (np.abs(parsed - whole) > 1e-9)
                    & ~huge
                    & ~structural
                    & ~(np.isin(measure, means) & (column == "antal"))
                )
                self._report(
                    fractional,
                    rows,
                    np.array(
                        [
                            f"{_LABELS_SV[column].capitalize()} ska vara ett heltal, inte {quote(v)} "
                            "(ett färdigt värde med decimaler hör till kolumnen varde)"
                            for v in d.texts_at(fractional)
                        ],
                        dtype=object,
                    ),
                    column,
                )
                bad |= fractional
                negative = (parsed < 0) & ~huge & ~structural
                self._report(
                    negative,
                    rows,
                    f"{_LABELS_SV[column].capitalize()} kan inte vara negativt",
                    column,
                )
                bad |= negative
            numbers[column] = parsed
        count, denominator, value = numbers["antal"], numbers["namnare"], numbers["varde"]

        neither = np.isnan(count) & np.isnan(value) & ~bad
        self._report(neither, rows, "Varken antal eller värde är ifyllt", "antal")
        zero = (denominator == 0) & (count > 0) & ~bad
        self._report(zero, rows, "Nämnaren är 0 men antalet är större än 0", "namnare")
        proportion_ids = [
            i
            for i, m in enumerate(self._measure_ids.values)
            if self.measures.kind(m) == "proportion"
        ]
        if proportion_ids:
            is_proportion = np.isin(measure, proportion_ids)
            over = is_proportion & (count > denominator) & ~zero & ~bad
            self._report(
                over,
                rows,
                np.array(
                    [
                        f"Antalet ({format_number(c)}) är större än nämnaren ({format_number(d)}) för "
                        "ett andelsmått"
                        for c, d in zip(count[over], denominator[over], strict=True)
                    ],
                    dtype=object,
                ),
                "antal",
            )
            bad |= over
        bad |= self._out_of_range(measure, count, denominator, value, rows, bad | zero)
        statistical = (kind != _DIRECT) & ~np.isnan(value) & np.isnan(count) & ~bad
        self._report(
            statistical,
            rows,
            "Rader med DeSO- eller RegSO-kod summeras till distrikt "
            "och behöver antal (och nämnare); ett färdigt värde kan inte summeras",
            "varde",
        )

        if "kalla" in frame.columns:
            source = distinct["kalla"]
            used = np.zeros(len(source.texts), dtype=bool)
            used[source.codes] = True
            self.sources.update(s for s in source.stripped[used] if s)

        ok = ~(bad | neither | zero | statistical | (area_code < 0) | (measure < 0) | (period < 0))
        if self.log.total:  # the file will be refused; keep checking, stop collecting rows
            self._chunks.clear()
            return
        small = np.int32  # codes and row numbers: a third of the memory of int64 columns
        self._chunks.append(
            _Chunk(
                area=area_code[ok].astype(small),
                kind=kind[ok],
                stat_key=stat_key[ok].astype(small),
                period=period[ok].astype(small),
                measure=measure[ok].astype(small),
                count=count[ok],
                denominator=denominator[ok],
                value=value[ok],
                row=rows[ok].astype(np.int64),
            )
        )

    def _out_of_range(self, measure, count, denominator, value, rows, skip) -> np.ndarray:
        """Rows whose value (or count/denominator in display units) is impossible (#16)."""
        ranges = catalogue_value_ranges()
        outside = np.zeros(len(rows), dtype=bool)
        for code, measure_id in enumerate(self._measure_ids.values):
            if measure_id not in ranges:
                continue
            kind, multiplier, low, high = ranges[measure_id]
            mine = (measure == code) & ~skip
            with np.errstate(divide="ignore", invalid="ignore"):
                shown = np.where(np.isnan(value), count / denominator * multiplier, value)
            bad = mine & np.isfinite(shown) & ((shown < low) | (shown > high))
            if bad.any():
                self._report(
                    bad,
                    rows,
                    np.array(
                        [
                            f"Värdet {format_number(round(v, 3))} är omöjligt för {measure_id} "
                            f"(möjligt: {format_number(low)}–{format_number(high)})"
                            for v in shown[bad]
                        ],
                        dtype=object,
                    ),
                    "varde" if (~np.isnan(value[bad])).all() else "antal",
                )
            outside |= bad
        return outside

    def _report(self, mask: np.ndarray, rows: np.ndarray, messages, column: str) -> None:
        if not mask.any():
            return
        self.log.add_rows(rows[mask], messages, column=self._label(column))

    def _wrong_separator(
        self, frame: pd.DataFrame, rows: np.ndarray, distinct: Mapping[str, _Distinct]
    ) -> np.ndarray:
        """Rows that are one long first cell holding another separator (``;`` vs ``,``)."""
        bad = np.zeros(len(frame), dtype=bool)
        if self.separator is None or len(frame.columns) < 2:
            return bad
        first = frame.columns[0]
        rest_empty = np.ones(len(frame), dtype=bool)
        for column in frame.columns[1:]:
            rest_empty &= distinct[column].rows(distinct[column].empty)
        others = [s for s in (";", ",", "\t") if s != self.separator]
        first_texts = distinct[first]
        for other in others:
            holds = first_texts.texts.str.contains(other, regex=False).to_numpy(dtype=bool)
            hit = rest_empty & first_texts.rows(holds)
            shown = "tabb" if other == "\t" else f"'{other}'"
            used = "tabb" if self.separator == "\t" else repr(self.separator)
            self._report(
                hit & ~bad,
                rows,
                f"Raden verkar avgränsad med {shown}, men filen "
                f"använder {used}; använd samma avgränsare på alla rader",
                first,
            )
            bad |= hit
        return bad

    def finish(self) -> pd.DataFrame:
        """Combine all chunks; raise :class:`ImportValidationError` if any problem was found.

        Returns the observations to store: ``measure_id, area_code, period`` (categorical),
        ``count, denominator, value`` (float), one row per key, DeSO/RegSO rows summed,
        sorted by measure, area and period.
        """
        self.log.raise_if_any()
        if self.rows_read == 0:
            self.log.add("Filen har inga datarader (bara en rubrikrad)", row=2)
            self.log.raise_if_any()
        parts, self._chunks = self._chunks, []
        frame = pd.DataFrame(
            {
                name: np.concatenate([getattr(p, name) for p in parts])
                for name in _Chunk.__dataclass_fields__
            },
            copy=False,
        )
        del parts
        combined = self._combine(frame)
        del frame
        self.log.raise_if_any()
        # Sorted by key: the store's index inserts are then sequential (about twice as fast).
        measure, measures = self._measure_ids.sorted_codes(combined["measure"].to_numpy())
        area, areas = self._areas.sorted_codes(combined["area"].to_numpy())
        period, periods = self._periods.sorted_codes(combined["period"].to_numpy())
        order = np.lexsort((period, area, measure))

        def categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
            return pd.Categorical.from_codes(
                codes[order], categories=pd.Index(categories, dtype=object)
            )

        return pd.DataFrame(
            {
                "measure_id": categorical(measure, measures),
                "area_code": categorical(area, areas),
                "period": categorical(period, periods),
                "count": combined["count"].to_numpy(dtype="float64")[order],
                "denominator": combined["denominator"].to_numpy(dtype="float64")[order],
                "value": combined["value"].to_numpy(dtype="float64")[order],
            },
            copy=False,
        )

    def _key(self, frame: pd.DataFrame, first: str) -> np.ndarray:
        """One int64 per (first, period, measure): cheaper to hash than three columns."""
        n_periods = len(self._periods.values) + 1
        n_measures = len(self._measure_ids.values) + 1
        return (
            frame[first].to_numpy(dtype=np.int64) * n_periods
            + frame["period"].to_numpy(dtype=np.int64)
        ) * n_measures + frame["measure"].to_numpy(dtype=np.int64)

    def _combine(self, frame: pd.DataFrame) -> pd.DataFrame:
        key = ["area", "period", "measure"]
        is_direct = frame["kind"].to_numpy() == _DIRECT
        direct = frame if is_direct.all() else frame[is_direct]
        self._duplicates(
            direct,
            self._key(direct, "area"),
            "Dubblett: samma område, period och mått finns redan på rad",
        )
        if is_direct.all():
            return direct
        statistical = frame[~is_direct]
        self._duplicates(
            statistical,
            self._key(statistical, "stat_key"),
            "Dubblett: samma DeSO/RegSO-kod, period och mått finns redan på rad",
        )
        # A district given directly and through DeSO/RegSO (or through both DeSO and RegSO)
        # would be counted twice.
        kinds = frame.groupby(key, sort=False)["kind"].transform("nunique").to_numpy()
        mixed = frame[kinds > 1]
        if not mixed.empty:
            first_kind = mixed.groupby(key, sort=False)["kind"].transform("first").to_numpy()
            first_row = mixed.groupby(key, sort=False)["row"].transform("first").to_numpy()
            clash = mixed["kind"].to_numpy() != first_kind
            messages = np.array(
                [
                    f"Samma distrikt, period och mått anges redan på rad {r} på ett annat sätt "
                    "(direkt, via DeSO eller via RegSO); använd ett sätt per distrikt så att "
                    "inget räknas två gånger"
                    for r in first_row[clash]
                ],
                dtype=object,
            )
            self.log.add_rows(
                mixed["row"].to_numpy()[clash], messages, column=self._label("omrade")
            )
        grouped = statistical.groupby(key, sort=False)
        has_denominator = grouped["denominator"].transform("count").to_numpy()
        size = grouped["denominator"].transform("size").to_numpy()
        partial = (
            (has_denominator > 0)
            & (has_denominator < size)
            & statistical["denominator"].isna().to_numpy()
        )
        self.log.add_rows(
            statistical["row"].to_numpy()[partial],
            "Nämnare saknas på raden men finns på andra DeSO/RegSO-rader för samma "
            "distrikt, period och mått; summan blir fel",
            column=self._label("namnare"),
        )
        summed = grouped[["count", "denominator"]].sum(min_count=1).reset_index()
        summed["value"] = np.nan
        return pd.concat(
            [
                direct[[*key, "count", "denominator", "value"]],
                summed[[*key, "count", "denominator", "value"]],
            ],
            ignore_index=True,
        )

    def _duplicates(self, frame: pd.DataFrame, keys: np.ndarray, message: str) -> None:
        if frame.empty:
            return
        dup = pd.Series(keys).duplicated(keep="first").to_numpy()
        if not dup.any():
            return
        rows = frame["row"].to_numpy()
        first_row = pd.Series(rows).groupby(keys, sort=False).transform("first").to_numpy()
        self.log.add_rows(
            rows[dup],
            np.array([f"{message} {r}" for r in first_row[dup]], dtype=object),
            column=self._label("omrade"),
        )


def validate_observations(
    frame: pd.DataFrame,
    *,
    file_name: str = "data",
    known_measures: Mapping[str, str | None] | Iterable[str] | None = None,
    resolve_area: Callable[[str], str | None] | None = None,
    first_row: int = 2,
) -> pd.DataFrame:
    """Validate template rows held in memory; return the observations to store.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical template columns (``omrade, period, matt, antal, namnare, varde, kalla``);
        cells may be text or numbers.
    file_name : str
        Used in messages.
    known_measures : mapping id → kind, set of ids, or None (the indicator catalogue)
    resolve_area : callable, optional
        Name or code → our area code; default ``geo.areas.resolve_area``.
    first_row : int
        File row number of ``frame``'s first row (header = row 1).

    Raises
    ------
    ImportValidationError
        Listing every problem (a :class:`~common.errors.ValidationError`).

    Examples
    --------
    >>> rows = pd.DataFrame({"omrade": ["A", "A"], "period": ["2025", "vt 2025"],
    ...                      "matt": ["x", "x"], "antal": [3, 12], "namnare": [10, 10]})
    >>> try:
    ...     validate_observations(rows, known_measures={"x": "proportion"},
    ...                           resolve_area=lambda s: "d-a" if s == "A" else None)
    ... except ValidationError as exc:
    ...     print(exc.problems[0])
    fil data, rad 3, kolumn antal: Antalet (12) är större än nämnaren (10) för ett andelsmått
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ImportValidationError(
            [Problem(f"Kolumnen '{c}' saknas", file=file_name, column=c) for c in missing],
            file=file_name,
            total=len(missing),
        )
    text = frame.apply(lambda s: cells_as_text(s)).reset_index(drop=True)
    collector = ObservationCollector(
        MeasureCatalogue.from_known(known_measures), file=file_name, areas=AreaLookup(resolve_area)
    )
    collector.add(text, rows=np.arange(len(frame)) + first_row)
    return collector.finish()


def cells_as_text(series: pd.Series) -> pd.Series:
    """Any column as text cells ("" for empty); whole floats lose their ``.0``.

    Examples
    --------
    >>> cells_as_text(pd.Series([1.0, 2.5, None])).tolist()
    ['1', '2.5', '']
    """
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series.fillna("")
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("str")
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("str").fillna("")
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 1e15)
        out = np.where(np.isnan(values), "", values.astype(str)).astype(object)
        out[whole] = values[whole].astype(np.int64).astype(str)
        return pd.Series(out, index=series.index, dtype="str")
    return series.map(_text_cell, na_action="ignore").fillna("").astype("str")


def _text_cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat") and hasattr(value, "day"):
        if getattr(value, "day", None) == 1 and getattr(value, "hour", 0) == 0:
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat()
    return str(value)
