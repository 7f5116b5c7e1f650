"""The municipal observation template: reading CSV/Excel files and importing them.

``import_file`` is the one path every template file takes (the CLI, the admin page and the
demo generator): checksum → read → refuse personal data → validate → map areas → write, all
rows or none. The format is documented for users in ``data/templates/README.md``.

Reading rules, in short:

* CSV: ``;``, ``,`` or tab (sniffed from the header row); UTF-8 with or without BOM, UTF-16
  with BOM, otherwise Windows-1252; large files are read in chunks so memory stays flat.
* Excel ``.xlsx``: the first visible sheet with a header row (searched in its first 20 rows);
  formulas and merged cells are refused with a message; read with openpyxl (read-only).
* Headers are matched without regard to case, spaces, ``_``/``-`` and å/ä/ö; English
  aliases are accepted (``area``, ``measure``, ``count``, ``denominator``, ``value``, …).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from common.errors import Problem, UserError
from common.place import current_place
from geo.areas import read_areas
from sources.personal_data import (
    demographic_columns,
    find_personal_numbers,
    refuse_one_row_per_person,
    refuse_personal_data,
    refuse_personal_text,
)
from sources.validate import (
    REQUIRED_COLUMNS,
    TEMPLATE_COLUMNS,
    AreaLookup,
    ImportValidationError,
    MeasureCatalogue,
    ObservationCollector,
    cells_as_text,
    quote,
)
from store.observations import BatchResult, find_loaded_batch, write_observations

#: The batch source when neither ``--source`` nor a ``kalla`` column says otherwise.
DEFAULT_SOURCE = "kommunal mall"
#: Header (after :func:`header_key`) → canonical template column.
COLUMN_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(
        [
            "omrade",
            "omradeskod",
            "area",
            "areacode",
            "areaname",
            "district",
            "distrikt",
            "stadsdel",
            "region",
        ],
        "omrade",
    ),
    **dict.fromkeys(["period", "tid", "time", "tidsperiod"], "period"),
    **dict.fromkeys(
        ["matt", "mattid", "measure", "measureid", "indikator", "indicator", "indicatorid"], "matt"
    ),
    **dict.fromkeys(["antal", "count", "numerator", "taljare"], "antal"),
    **dict.fromkeys(["namnare", "denominator", "population"], "namnare"),
    **dict.fromkeys(["varde", "value"], "varde"),
    **dict.fromkeys(["kalla", "source"], "kalla"),
}
HEADER_SEARCH_ROWS = 20

# Limits, checked before a file is parsed (docs/privacy.md "Limits"); memory stays under
# 1 GB for any file within them (measured: docs/privacy.md §3).
#: Largest file accepted (CSV or .xlsx, as uploaded).
MAX_FILE_BYTES = 100 * 2**20
#: Most data rows of a CSV file (counted as lines before parsing).
MAX_ROWS = 2_000_000
#: Most rows of an Excel sheet (a sheet is held in memory while it is checked).
MAX_XLSX_ROWS = 250_000
#: Most columns (CSV header fields; the rightmost filled column of any Excel row).
MAX_COLUMNS = 100
#: Longest cell, in characters.
MAX_CELL_CHARS = 1_000
#: Longest CSV line, in bytes (checked on the raw bytes; one line cannot fill the memory).
MAX_LINE_BYTES = 256 * 2**10
#: What an .xlsx may unpack to (sum of the zip entries' declared sizes) and how many parts.
MAX_XLSX_UNPACKED_BYTES = 64 * 2**20
MAX_XLSX_PARTS = 500
_BLOCK = 1 << 20
#: Read a few fields beyond the header so a row with extra fields is caught, not cut.
_SPARE_FIELDS = 4
_UTF8_BOM, _UTF16_BOMS = codecs.BOM_UTF8, (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MB".replace(".", ",")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def header_key(text: object) -> str:
    """A header folded for matching: lower case, å/ä/ö → a/a/o, only letters and digits.

    Examples
    --------
    >>> header_key(" Område "), header_key("Mått-ID"), header_key("NÄMNARE")
    ('omrade', 'mattid', 'namnare')
    """
    decomposed = unicodedata.normalize("NFKD", str(text).replace("\ufeff", "").casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", folded)


# --- reading --------------------------------------------------------------------------------------


@dataclass
class TemplateTable:
    """A template file opened for reading: where it came from and how to read its rows."""

    name: str
    checksum: str
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    #: Frame column → header as written in the file (for messages).
    labels: dict[str, str]
    #: Yields (text cells with the frame columns, file row numbers) chunk by chunk.
    chunks: Callable[[], Iterator[tuple[pd.DataFrame, np.ndarray]]] = field(repr=False)
    separator: str | None = None


@dataclass
class _FileScan:
    checksum: str
    size: int
    head: bytes
    utf8: bool
    cp1252: bool
    nul: bool
    lines: int = 0
    longest_line: int = 0
    #: Whether any ``"`` occurs (quoted cells are read by pandas' parser only).
    quotes: bool = True


def _scan(path: Path) -> _FileScan:
    """One pass over the bytes: checksum, and which encodings decode the whole file."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    nul = False
    quotes = False
    head = b""
    size = 0
    lines = 0
    longest = 0
    current = 0  # length of the line that runs on from the previous block
    try:
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            raise UserError(
                f"Filen är {_mib(path.stat().st_size)}; gränsen är {_mib(MAX_FILE_BYTES)}. "
                "Dela upp filen (t.ex. per år). Ingenting har lästs in.",
                file=path.name,
                message_en="The file is larger than the limit; nothing was imported.",
            )
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                if not head:
                    head = block[:65536]
                digest.update(block)
                size += len(block)
                nul = nul or b"\x00" in block
                quotes = quotes or b'"' in block
                breaks = block.count(b"\n")
                if breaks:
                    lines += breaks
                    longest = max(longest, current + block.index(b"\n"))
                    if breaks > 1 and longest < MAX_LINE_BYTES:
                        longest = max(longest, _longest_inner_line(block))
                    current = len(block) - block.rindex(b"\n") - 1
                else:
                    current += len(block)
                longest = max(longest, current)
                if utf8_ok:
                    try:
                        utf8.decode(block)
                    except UnicodeDecodeError:
                        utf8_ok = False
            if utf8_ok:
                try:
                    utf8.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8_ok = False
    except FileNotFoundError as exc:
        raise UserError(f"Filen {path} finns inte.", message_en=f"No such file: {path}") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} är en mapp, inte en fil.") from exc
    except OSError as exc:
        raise UserError(f"Filen {path} kan inte läsas: {exc.strerror}") from exc
    cp1252_ok = not utf8_ok and _decodes(path, "cp1252")
    lines += 1 if current else 0
    return _FileScan(
        digest.hexdigest(), size, head, utf8_ok, cp1252_ok, nul, lines, longest, quotes
    )


def _longest_inner_line(block: bytes) -> int:
    """Longest line between two line breaks of ``block`` (numpy over the break positions)."""
    positions = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
    return int(np.diff(positions).max()) - 1 if len(positions) > 1 else 0


def _check_csv_limits(scan: _FileScan, name: str) -> None:
    """Rows and line length of a text file, from the byte scan (before parsing)."""
    if scan.lines - 1 > MAX_ROWS:
        raise UserError(
            f"Filen har {_count(scan.lines - 1)} rader; gränsen är {_count(MAX_ROWS)}. Dela upp "
            "filen (t.ex. per år). Ingenting har lästs in.",
            file=name,
            message_en="Too many rows; nothing was imported.",
        )
    if scan.longest_line > MAX_LINE_BYTES:
        raise UserError(
            f"Filen har en rad som är längre än {MAX_LINE_BYTES // 1024} kB; en rad i mallen är "
            "några tiotal tecken. Kontrollera radbrytningar och citattecken. Ingenting har "
            "lästs in.",
            file=name,
            message_en="A line is longer than the limit; nothing was imported.",
        )


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes with ``encoding`` (a second pass, only when needed)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(scan: _FileScan, name: str) -> str:
    head = scan.head
    if head.startswith(_UTF8_BOM):
        if not scan.utf8:
            raise UserError(
                "Filen börjar som UTF-8 (med BOM) men innehåller tecken som inte är UTF-8 – "
                'troligen blandade teckenkodningar. Spara om filen som "CSV UTF-8".',
                file=name,
                message_en="UTF-8 BOM but the content is not UTF-8.",
            )
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    if scan.nul:
        raise UserError(
            "Filen innehåller NUL-tecken och är ingen läsbar CSV-textfil (UTF-16 utan BOM eller "
            'en binärfil?). Spara den som "CSV UTF-8" eller som Excel-arbetsbok (.xlsx).',
            file=name,
            message_en="Not a text CSV file (NUL bytes).",
        )
    if scan.utf8:
        return "utf-8"
    if scan.cp1252:
        return "cp1252"
    raise UserError(
        "Filens teckenkodning känns inte igen (varken UTF-8 eller Windows-1252). Spara om "
        'filen som "CSV UTF-8".',
        file=name,
        message_en="Unknown text encoding.",
    )


def _first_line(text: str) -> str:
    """The header line (a quoted header cell may hold a line break)."""
    in_quotes = False
    for i, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char in "\r\n" and not in_quotes:
            return text[:i]
    return text


def _sniff_separator(line: str) -> str:
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {sep: outside.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: (counts[s], s == ";"))
    return best if counts[best] else ";"


def _map_headers(
    headers: list[str], name: str, *, header_row: int = 1, letters: list[str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """Frame column names for the headers (canonical where recognised) and their labels.

    Person-level headers refuse the file first (:func:`refuse_personal_data`).
    """
    texts = [str(h).replace("\ufeff", "").strip() if h is not None else "" for h in headers]
    refuse_personal_data(
        pd.DataFrame(columns=[t or f"({i})" for i, t in enumerate(texts)]), file_name=name
    )
    columns: list[str] = []
    labels: dict[str, str] = {}
    seen: dict[str, str] = {}
    other_keys: dict[str, str] = {}
    problems: list[Problem] = []
    for i, header in enumerate(headers):
        text = str(header).replace("\ufeff", "").strip() if header is not None else ""
        canonical = COLUMN_ALIASES.get(header_key(text))
        where = letters[i] if letters else f"kolumn {i + 1}"
        if canonical is None:
            column = text or f"({where})"
            if text and header_key(text) in other_keys:
                problems.append(
                    Problem(
                        f"Rubriken '{text}' förekommer två gånger ({other_keys[header_key(text)]} "
                        f"och {where}); varje kolumn ska ha en egen rubrik",
                        file=name,
                        row=header_row,
                        column=text,
                    )
                )
            elif text:
                other_keys[header_key(text)] = where
            while column in labels:
                column += "_"
        elif canonical in seen:
            problems.append(
                Problem(
                    f"Kolumnen '{canonical}' förekommer två gånger ('{seen[canonical]}' och '{text}')",
                    file=name,
                    row=header_row,
                    column=text,
                )
            )
            column = f"{text} ({where})"
        else:
            column = canonical
            seen[canonical] = text
        columns.append(column)
        labels[column] = text or f"({where})"
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        found = ", ".join(f"'{h}'" for h in (str(x).strip() for x in headers if x is not None) if h)
        for column in missing:
            problems.append(
                Problem(
                    f"Kolumnen '{column}' saknas (rubrikraden har: {found or 'inga rubriker'}). "
                    f"Mallens kolumner: {', '.join(TEMPLATE_COLUMNS)}",
                    file=name,
                    row=header_row,
                    column=column,
                )
            )
    if "antal" not in seen and "varde" not in seen:
        problems.append(
            Problem(
                "Kolumnen 'antal' (eller 'varde') saknas", file=name, row=header_row, column="antal"
            )
        )
    if problems:
        raise ImportValidationError(problems, file=name, total=len(problems))
    return columns, labels


def _check_headers_for_personal_numbers(headers: list, name: str, *, header_row: int) -> None:
    hits = find_personal_numbers(
        pd.Series([("" if h is None else h) for h in headers], dtype=object)
    )
    if hits.any():
        refuse_personal_data(
            pd.DataFrame({"rubrik": [headers[int(np.flatnonzero(hits)[0])]]}),
            file_name=name,
            rows=[header_row],
        )


def _csv_layout(scan: _FileScan, name: str) -> tuple[str, str, list[str]]:
    """Encoding, separator and header cells of a CSV file."""
    encoding = _csv_encoding(scan, name)
    text = scan.head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if not text.strip():
        raise UserError("Filen är tom.", file=name, message_en="The file is empty.")
    line = _first_line(text)
    separator = _sniff_separator(line)
    headers = next(csv.reader(io.StringIO(line), delimiter=separator), [])
    if len(headers) > MAX_COLUMNS:
        raise UserError(
            f"Rubrikraden har {_count(len(headers))} kolumner; högst {MAX_COLUMNS} tas emot "
            "(mallen har 7). Ingenting har lästs in.",
            file=name,
            row=1,
            message_en="Too many columns; nothing was imported.",
        )
    return encoding, separator, [h.replace("\ufeff", "") for h in headers]


def refuse_long_cells(
    chunk: pd.DataFrame, rows: np.ndarray, name: str, labels: Mapping[str, str] | None = None
) -> None:
    """A cell longer than :data:`MAX_CELL_CHARS` refuses the file (row and column named).

    Examples
    --------
    >>> refuse_long_cells(pd.DataFrame({"a": ["x"]}), np.array([2]), "a.csv")
    >>> try:
    ...     refuse_long_cells(pd.DataFrame({"a": ["x" * 5000]}), np.array([2]), "a.csv")
    ... except UserError as exc:
    ...     print(exc.problem.row, exc.problem.column)
    2 a
    """
    for column in chunk.columns:
        lengths = chunk[column].str.len().fillna(0).to_numpy(dtype=np.int64)
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            position = int(np.argmax(lengths > MAX_CELL_CHARS))
            raise UserError(
                f"Cellen har {_count(int(lengths[position]))} tecken; högst "
                f"{_count(MAX_CELL_CHARS)} tas emot. Ingenting har lästs in.",
                file=name,
                row=int(rows[position]),
                column=str((labels or {}).get(column, column)),
                message_en="A cell is longer than the limit; nothing was imported.",
            )


def _csv_rows(
    path: Path, *, encoding: str, separator: str, n_columns: int, name: str, chunk_rows: int
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Data rows as text cells in chunks, with their row numbers (header = row 1)."""
    reader = pd.read_csv(
        path,
        sep=separator,
        encoding=encoding,
        header=None,
        skiprows=1,
        names=list(range(n_columns + _SPARE_FIELDS)),
        dtype=str,
        index_col=False,
        engine="c",
        skip_blank_lines=False,
        keep_default_na=False,
        na_filter=False,
        quotechar='"',
        chunksize=chunk_rows,
    )
    start = 0
    with reader:
        while True:
            try:
                chunk = next(reader)
            except StopIteration:
                return
            except pd.errors.ParserError as exc:
                raise _parser_error(exc, name, separator, n_columns) from exc
            except UnicodeDecodeError as exc:
                raise UserError(
                    "Filen innehåller tecken som inte går att läsa med "
                    f"teckenkodningen {encoding}.",
                    file=name,
                ) from exc
            rows = np.arange(start, start + len(chunk), dtype=np.int64) + 2
            start += len(chunk)
            refuse_long_cells(chunk, rows, name)
            _refuse_extra_fields(chunk, rows, n_columns, name, separator)
            yield chunk.iloc[:, :n_columns], rows


def _plain_csv_rows(
    path: Path, *, separator: str, n_columns: int, name: str, chunk_rows: int
) -> Iterator[tuple[pd.DataFrame, np.ndarray]] | None:
    """The fast reader for plain files: UTF-8, no quote character, every row with exactly the
    header's number of fields and no blank line. Read whole by pyarrow's CSV parser (no cell
    is converted: every cell is the text between two separators, as :func:`_csv_rows` gives
    it), then cut into chunks. None for any other file: :func:`_csv_rows` reads it and names
    what is wrong (a short or long row, a blank line, …).
    """
    names = [str(i) for i in range(n_columns)]
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=separator,
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                true_values=[],
                false_values=[],
            ),
        )
    except (pa.ArrowException, ValueError, OSError):
        return None

    def chunks() -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        for start in range(0, table.num_rows, chunk_rows):
            chunk = table.slice(start, chunk_rows).to_pandas()
            rows = np.arange(start, start + len(chunk), dtype=np.int64) + 2
            refuse_long_cells(chunk, rows, name)
            yield chunk, rows

    return chunks()


def _open_csv(path: Path, scan: _FileScan, *, chunk_rows: int) -> TemplateTable:
    name = path.name
    encoding, separator, headers = _csv_layout(scan, name)
    _check_headers_for_personal_numbers(headers, name, header_row=1)
    columns, labels = _map_headers(headers, name)

    def chunks() -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        plain = None
        if encoding in ("utf-8", "utf-8-sig") and not scan.quotes:
            plain = _plain_csv_rows(
                path, separator=separator, n_columns=len(columns), name=name, chunk_rows=chunk_rows
            )
        for chunk, rows in plain or _csv_rows(
            path,
            encoding=encoding,
            separator=separator,
            n_columns=len(columns),
            name=name,
            chunk_rows=chunk_rows,
        ):
            chunk.columns = columns
            yield chunk, rows

    return TemplateTable(name, scan.checksum, "csv", headers, labels, chunks, separator)


def _refuse_extra_fields(
    chunk: pd.DataFrame, rows: np.ndarray, n_columns: int, name: str, separator: str
) -> None:
    """A row with more (non-empty) fields than the header would lose data: refuse it."""
    extra = chunk.iloc[:, n_columns:]
    filled = (extra != "").to_numpy()
    if not filled.any():
        return
    first = int(np.flatnonzero(filled.any(axis=1))[0])
    saw = n_columns + int(np.flatnonzero(filled[first])[-1]) + 1
    raise _parser_error(
        pd.errors.ParserError(f"Expected {n_columns} fields in line {rows[first]}, saw {saw}"),
        name,
        separator,
        n_columns,
    )


def _parser_error(exc: Exception, name: str, separator: str, n_columns: int) -> UserError:
    text = str(exc)
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if fields:
        expected, line, saw = (int(g) for g in fields.groups())
        expected = n_columns or expected
        hint = (
            " Ett decimalkomma i en kommaseparerad fil måste stå inom citattecken – eller "
            "använd semikolon som avgränsare."
            if separator == ","
            else " Kontrollera avgränsare och citattecken på raden."
        )
        return UserError(
            f"Raden har {saw} fält men rubrikraden har {expected}.{hint}",
            file=name,
            row=line,
            message_en=f"Row has {saw} fields, header {expected}.",
        )
    quote_error = re.search(r"EOF inside string starting at row (\d+)", text)
    if quote_error:
        return UserError(
            'Ett citattecken (") på raden avslutas aldrig; filen kan inte läsas vidare.',
            file=name,
            row=int(quote_error.group(1)) + 1,
        )
    return UserError(
        f"Filen kan inte läsas som CSV ({n_columns} kolumner väntade): "
        f"{text.strip().splitlines()[-1][:200]}",
        file=name,
    )


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@dataclass
class _Sheet:
    """One worksheet as read: every row the file holds (never cut at the declared size)."""

    title: str
    state: str
    #: Row values, the list index is the row number − 1 (missing rows are empty tuples).
    rows: list[tuple]
    #: (row number, column index) of formula cells.
    formulas: list[tuple[int, int]]
    worksheet_path: str | None


def _unreadable_workbook(name: str) -> UserError:
    return UserError(
        "Filen kan inte läsas som Excel-arbetsbok (.xlsx); den kan vara skadad. "
        "Öppna och spara om den i Excel, eller spara som CSV.",
        file=name,
        message_en="Not a readable .xlsx workbook.",
    )


def check_xlsx_archive(path: Path, name: str) -> None:
    """Refuse a workbook whose zip holds too many parts or unpacks to more than
    :data:`MAX_XLSX_UNPACKED_BYTES`, before anything is decompressed (a zip bomb).

    Python's zipfile never returns more than an entry's declared size, so the sum of the
    declared sizes bounds what parsing can unpack.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable_workbook(name) from exc
    unpacked = sum(max(e.file_size, 0) for e in entries)
    if len(entries) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise UserError(
            f"Arbetsboken är för stor uppackad ({_mib(unpacked)} i {len(entries)} delar; gränsen "
            f"är {_mib(MAX_XLSX_UNPACKED_BYTES)} och {MAX_XLSX_PARTS} delar). Dela upp filen "
            "eller spara den som CSV. Ingenting har lästs in.",
            file=name,
            message_en="The workbook unpacks to more than the limit; nothing was imported.",
        )


def _read_sheet(ws, name: str) -> _Sheet:
    """Stream one sheet's XML: every row, whatever the declared ``dimension`` says, within
    :data:`MAX_XLSX_ROWS` rows and :data:`MAX_COLUMNS` columns (refused beyond)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    refuse_personal_text(ws.title, what="bladnamnet", file_name=name)
    rows: list[tuple] = []
    formulas: list[tuple[int, int]] = []
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=False,
            epoch=ws.parent.epoch,
            date_formats=ws.parent._date_formats,
            timedelta_formats=ws.parent._timedelta_formats,
        )
        for index, cells in parser.parse():
            if index > MAX_XLSX_ROWS:
                raise UserError(
                    f"Bladet har rader efter rad {_count(MAX_XLSX_ROWS)}, som är gränsen för "
                    "Excelfiler. Dela upp filen eller spara den som CSV (gräns "
                    f"{_count(MAX_ROWS)} rader). Ingenting har lästs in.",
                    file=name,
                    row=index,
                    column=f"(bladet '{ws.title}')",
                    message_en="Too many rows in the sheet; nothing was imported.",
                )
            filled = [c for c in cells if c.get("value") not in (None, "")]
            if not filled:
                continue
            width = max(c["column"] for c in filled)
            if width > MAX_COLUMNS:
                raise UserError(
                    f"Raden har data i kolumn {_column_letter(width - 1)}; högst {MAX_COLUMNS} "
                    "kolumner tas emot. Ingenting har lästs in.",
                    file=name,
                    row=index,
                    column=f"{_column_letter(width - 1)} (bladet '{ws.title}')",
                    message_en="Too many columns; nothing was imported.",
                )
            values: list = [None] * width
            for cell in filled:
                if isinstance(cell["value"], str) and len(cell["value"]) > MAX_CELL_CHARS:
                    raise UserError(
                        f"Cellen har {_count(len(cell['value']))} tecken; högst "
                        f"{_count(MAX_CELL_CHARS)} tas emot. Ingenting har lästs in.",
                        file=name,
                        row=index,
                        column=f"{_column_letter(cell['column'] - 1)} (bladet '{ws.title}')",
                        message_en="A cell is longer than the limit; nothing was imported.",
                    )
                values[cell["column"] - 1] = cell["value"]
                if cell.get("data_type") == "f":
                    formulas.append((index, cell["column"] - 1))
            if len(rows) < index - 1:
                rows.extend([()] * (index - 1 - len(rows)))
            rows.append(tuple(values))
    return _Sheet(ws.title, ws.sheet_state, rows, formulas, getattr(ws, "_worksheet_path", None))


def _open_xlsx(path: Path, scan: _FileScan) -> TemplateTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    check_xlsx_archive(path, name)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _unreadable_workbook(name) from exc
    try:
        sheets = [_read_sheet(ws, name) for ws in workbook.worksheets]
        merged = {sheet.title: _merged_ranges(path, sheet) for sheet in sheets}
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, SyntaxError) as exc:
        raise UserError("Arbetsboken kan inte läsas; spara om den i Excel.", file=name) from exc
    finally:
        workbook.close()

    chosen = _data_sheet(sheets)
    _refuse_workbook_personal_numbers(sheets, chosen, name)
    if chosen is None:
        if all(not any(v is not None for row in sheet.rows for v in row) for sheet in sheets):
            raise UserError(
                "Arbetsboken är tom (inga ifyllda celler).",
                file=name,
                message_en="The workbook is empty.",
            )
        raise UserError(
            "Hittade ingen rubrikrad med mallens kolumner (omrade, period, matt, antal, …) bland "
            f"de första {HEADER_SEARCH_ROWS} raderna på något blad.",
            file=name,
            message_en="No header row with the template's columns was found.",
        )
    sheet, header_index = chosen
    rows = sheet.rows
    header_row = header_index + 1
    width = max((len(row) for row in rows), default=0)
    header_cells = rows[header_index]
    headers = [header_cells[i] if i < len(header_cells) else None for i in range(width)]
    letters = [_column_letter(i) for i in range(width)]
    columns, labels = _map_headers(headers, name, header_row=header_row, letters=letters)

    if merged[sheet.title]:
        ranges = merged[sheet.title]
        first = re.match(r"([A-Z]+)(\d+)", ranges[0])
        shown = ", ".join(ranges[:10]) + (" …" if len(ranges) > 10 else "")
        raise UserError(
            f"Bladet '{sheet.title}' har sammanslagna celler ({shown}). Sammanslagna celler stöds "
            "inte: dela upp dem och skriv värdet på varje rad.",
            file=name,
            row=int(first.group(2)),
            column=first.group(1),
            message_en="Merged cells are not supported.",
        )
    if sheet.formulas:
        problems = [
            Problem(
                "Cellen innehåller en formel; klistra in värden i stället för formler "
                "(Klistra in special → Värden)",
                file=name,
                row=r,
                column=labels[columns[c]] if c < len(columns) else _column_letter(c),
            )
            for r, c in sheet.formulas[:1000]
        ]
        raise ImportValidationError(problems, file=name, total=len(sheet.formulas))

    data = rows[header_index + 1 :]
    raw = (
        pd.DataFrame(
            [[row[i] if i < len(row) else None for i in range(width)] for row in data],
            columns=columns,
            dtype=object,
        )
        if data
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )
    row_numbers = np.arange(len(data), dtype=np.int64) + header_row + 1

    def chunks() -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        yield raw.apply(cells_as_text), row_numbers

    return TemplateTable(
        name, scan.checksum, "xlsx", [str(h or "") for h in headers], labels, chunks
    )


def _data_sheet(sheets: list[_Sheet]) -> tuple[_Sheet, int] | None:
    """The first visible sheet with a header row (≥ 2 template columns in its first rows)."""
    for sheet in sheets:
        if sheet.state != "visible":
            continue
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            keys = {COLUMN_ALIASES.get(header_key(v)) for v in row if v is not None}
            if len(keys & set(TEMPLATE_COLUMNS)) >= 2:
                return sheet, index
    return None


def _refuse_workbook_personal_numbers(
    sheets: list[_Sheet], chosen: tuple[_Sheet, int] | None, name: str
) -> None:
    """Identity numbers anywhere in the workbook refuse it, also on sheets not imported.

    Numbers are tested as numbers (Excel keeps 8507099805 as one, or drops a leading zero).
    """
    for sheet in sheets:
        cells = [
            (r, c, value)
            for r, row in enumerate(sheet.rows, start=1)
            for c, value in enumerate(row)
            if value is not None
        ]
        if not cells:
            continue
        hits = find_personal_numbers(pd.Series([v for _, _, v in cells], dtype=object))
        if not hits.any():
            continue
        r, c, _ = cells[int(np.flatnonzero(hits)[0])]
        column = f"{_column_letter(c)} (bladet '{sheet.title}')"
        if chosen is not None and chosen[0] is sheet and r > chosen[1] + 1:
            header = sheet.rows[chosen[1]]
            text = str(header[c]).strip() if c < len(header) and header[c] else ""
            column = text or _column_letter(c)
        more = int(hits.sum()) - 1
        raise UserError(
            "Filen innehåller ett personnummer eller samordningsnummer"
            f"{f' (och {more} celler till)' if more else ''}. Systemet tar bara emot "
            "sammanräknade uppgifter; hela filen avvisas och ingenting har lästs in. Ta bort "
            "uppgiften ur filen och försök igen.",
            file=name,
            row=r,
            column=column,
            message_en="The file contains a Swedish personal identity number; it was refused.",
        )


def _merged_ranges(path: Path, sheet: _Sheet) -> list[str]:
    if sheet.worksheet_path is None:  # pragma: no cover - openpyxl without the attribute
        return []
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet.worksheet_path.lstrip("/"))
    return [m.decode() for m in _MERGE_RE.findall(xml)]


def open_template(path: str | Path, *, chunk_rows: int = 200_000) -> TemplateTable:
    """Open a CSV or Excel template file: checksum, format, encoding, separator, headers.

    Raises :class:`~common.errors.UserError` for a file that cannot be read, with a Swedish
    message saying why (empty, wrong format, unknown encoding, missing columns, …).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> text = "Område;Period;Mått;Antal\\nErsboda;2025;x;1\\n"
    >>> _ = open(path, "w", encoding="utf-8-sig").write(text)
    >>> t = open_template(path)
    >>> t.kind, t.separator, list(t.labels)
    ('csv', ';', ['omrade', 'period', 'matt', 'antal'])
    """
    path = Path(path)
    refuse_personal_text(path.name, what="filnamnet")
    scan = _scan(path)
    name = path.name
    if scan.size == 0:
        raise UserError("Filen är tom.", file=name, message_en="The file is empty.")
    suffix = path.suffix.lower()
    if scan.head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, scan)
    if scan.head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise UserError(
            "Det gamla Excel-formatet (.xls) stöds inte; spara som Excel-arbetsbok "
            "(.xlsx) eller CSV.",
            file=name,
            message_en="Old .xls is not supported.",
        )
    if suffix in (".xlsx", ".xlsm", ".ods") or scan.head.startswith(b"%PDF"):
        raise UserError(
            "Filen är ingen Excel-arbetsbok (.xlsx) eller CSV-fil; spara om den.",
            file=name,
            message_en="Not an .xlsx or CSV file.",
        )
    _check_csv_limits(scan, name)
    return _open_csv(path, scan, chunk_rows=chunk_rows)


def read_table(path: str | Path) -> pd.DataFrame:
    """A whole CSV/Excel file as text cells, headers folded by :func:`header_key`.

    For small tables of other kinds than observations (e.g. interventions). Empty cells are
    ``""``; fully empty rows are dropped; the index is the row number in the file.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "b.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("Namn;Områden\\nFältarbete;Ersboda\\n")
    >>> read_table(path).to_dict("index")
    {2: {'namn': 'Fältarbete', 'omraden': 'Ersboda'}}
    """
    path = Path(path)
    refuse_personal_text(path.name, what="filnamnet")
    scan = _scan(path)
    name = path.name
    if scan.size == 0:
        raise UserError("Filen är tom.", file=name)
    if scan.head.startswith(b"PK\x03\x04"):
        frame, rows = _read_xlsx_plain(path, name)
    else:
        _check_csv_limits(scan, name)
        encoding, separator, headers = _csv_layout(scan, name)
        parts = list(
            _csv_rows(
                path,
                encoding=encoding,
                separator=separator,
                n_columns=len(headers),
                name=name,
                chunk_rows=100_000,
            )
        )
        frame = (
            pd.concat([p for p, _ in parts], ignore_index=True)
            if parts
            else pd.DataFrame(columns=range(len(headers)))
        )
        frame.columns = headers
        rows = np.concatenate([r for _, r in parts]) if parts else np.zeros(0, dtype=np.int64)
    frame.columns = [header_key(c) or f"kolumn{i + 1}" for i, c in enumerate(frame.columns)]
    frame = frame.apply(cells_as_text)
    filled = (frame.apply(lambda s: s.str.strip()) != "").any(axis=1).to_numpy()
    frame.index = rows
    return frame[filled]


def _read_xlsx_plain(path: Path, name: str) -> tuple[pd.DataFrame, np.ndarray]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx_archive(path, name)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            ws = next((w for w in workbook.worksheets if w.sheet_state == "visible"), None)
            values = [list(r) for r in _read_sheet(ws, name).rows] if ws is not None else []
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise UserError("Filen kan inte läsas som Excel-arbetsbok (.xlsx).", file=name) from exc
    if not values:
        raise UserError("Arbetsboken är tom.", file=name)
    width = max(len(r) for r in values)
    header = [str(h) if h is not None else "" for h in values[0]] + [""] * (width - len(values[0]))
    body = [list(r) + [None] * (width - len(r)) for r in values[1:]]
    return pd.DataFrame(body, columns=header, dtype=object), np.arange(len(body)) + 2


# --- importing ------------------------------------------------------------------------------------


def _batch_source(source: str | None, collector: ObservationCollector, name: str) -> str:
    if source:
        refuse_personal_text(source, what="källan (--source eller fältet Källa)", file_name=name)
        return source.strip()[:100]
    sources = sorted(collector.sources)
    if len(sources) > 1:
        shown = ", ".join(quote(s) for s in sources[:5])
        raise UserError(
            f"Filen har flera källor i kolumnen 'kalla' ({shown}). En import har en "
            "källa: dela upp filen per källa eller ange källan med --source.",
            file=name,
            column="kalla",
            message_en="Several sources in one file.",
        )
    if sources and len(sources[0]) > 100:
        raise UserError("Källans namn är längre än 100 tecken.", file=name, column="kalla")
    return sources[0] if sources else DEFAULT_SOURCE


def _write(
    store,
    tidy: pd.DataFrame,
    *,
    name: str,
    checksum: str,
    source: str,
    user: str,
    synthetic: bool,
    rows_total: int,
    chunk_rows: int,
    provenance=None,
):
    import sqlalchemy as sa

    def pieces() -> Iterator[pd.DataFrame]:
        for start in range(0, len(tidy), chunk_rows):
            yield tidy.iloc[start : start + chunk_rows]

    try:
        return write_observations(
            store,
            pieces(),
            source=source,
            file_name=name,
            checksum=checksum,
            user=user,
            synthetic=synthetic,
            rows_total=rows_total,
            provenance=provenance,
        )
    except UserError as exc:
        raise UserError(
            f"{exc.problem.message} Varje kombination av område, period och mått får bara finnas "
            "en gång i filen; ingenting har lästs in.",
            file=name,
            message_en=exc.message_en,
        ) from exc
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise UserError(
            f"Databasen kunde inte skrivas ({reason}); ingenting har lästs in.",
            file=name,
            message_en="The database could not be written.",
        ) from exc


def import_file(
    store,
    path: str | Path,
    *,
    source: str | None = None,
    user: str = "cli",
    known_measures: Mapping[str, str | None] | Iterable[str] | None = None,
    synthetic: bool = False,
    chunk_rows: int = 200_000,
    resolve_area: Callable[[str], str | None] | None = None,
):
    """Import one template file (CSV or .xlsx) as one batch: all rows or none.

    Parameters
    ----------
    store : store.Store
        A migrated store.
    path : str or Path
        The file.
    source : str, optional
        The batch's source; default the file's single ``kalla`` value, else "kommunal mall".
    user : str
        Who imports (audit trail).
    known_measures : mapping id → kind, set of ids, or None
        Accepted measure ids; None means the indicator catalogue and its population measures.
    synthetic : bool
        Mark the rows as synthetic (demo data).
    chunk_rows : int
        CSV rows read at a time (memory stays flat for large files).
    resolve_area : callable, optional
        Area name/code → our code; default ``geo.areas.resolve_area``.

    Returns
    -------
    store.observations.BatchResult
        ``status`` "loaded", or "unchanged" when a file with the same checksum is loaded.

    Raises
    ------
    UserError
        Unreadable file or personal data (never echoing the identity number).
    ValidationError
        Every problem in the rows (an :class:`~sources.validate.ImportValidationError`).

    Examples
    --------
    >>> import tempfile, os
    >>> from store import Store
    >>> store = Store("sqlite://"); store.migrate()
    >>> path = os.path.join(tempfile.mkdtemp(), "skola.csv")
    >>> _ = open(path, "w", encoding="utf-8").write(
    ...     "omrade;period;matt;antal;namnare\\nErsboda;2025-VT;x;3;40\\nÅlidhem;2025-VT;x;5;50\\n")
    >>> import_file(store, path, known_measures={"x": "proportion"}).rows_loaded
    2
    """
    table = open_template(path, chunk_rows=chunk_rows)
    return _import_table(
        store,
        table,
        source=source,
        user=user,
        known_measures=known_measures,
        synthetic=synthetic,
        chunk_rows=chunk_rows,
        resolve_area=resolve_area,
    )


@dataclass(frozen=True)
class CheckedFile:
    """A template file that passed every check: what would be stored, and from where."""

    name: str
    checksum: str
    source: str
    rows_read: int
    #: ``measure_id, area_code, period`` (categorical), ``count, denominator, value``.
    observations: pd.DataFrame


def check_file(
    path: str | Path,
    *,
    source: str | None = None,
    known_measures: Mapping[str, str | None] | Iterable[str] | None = None,
    chunk_rows: int = 200_000,
    resolve_area: Callable[[str], str | None] | None = None,
) -> CheckedFile:
    """Read and validate a template file without writing anything (a dry run).

    Same parameters and errors as :func:`import_file`.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> _ = open(path, "w").write("omrade,period,matt,antal\\nErsboda,2025,x,3\\n")
    >>> check_file(path, known_measures={"x"}).observations["area_code"].tolist()
    ['d-ersboda']
    """
    table = open_template(path, chunk_rows=chunk_rows)
    return _check_table(
        table, source=source, known_measures=known_measures, resolve_area=resolve_area
    )


def _check_table(table: TemplateTable, *, source, known_measures, resolve_area) -> CheckedFile:
    if source:
        refuse_personal_text(source, what="källan (--source eller fältet Källa)")
    collector: ObservationCollector | None = None
    demographic = [
        c for c in table.labels if demographic_columns([table.labels[c]]) and c != "antal"
    ]
    counts_all_one, rows_seen = True, 0
    for frame, rows in table.chunks():
        refuse_personal_data(frame, file_name=table.name, rows=rows, labels=table.labels)
        if demographic and "antal" in frame.columns:
            counts = frame["antal"].str.strip()
            counts_all_one &= bool((counts[counts != ""] == "1").all())
            rows_seen += int((counts != "").sum())
        if collector is None:  # the catalogue is read only for a file worth checking
            collector = _collector(table, known_measures, resolve_area)
        collector.add(frame, rows=rows)
    refuse_one_row_per_person(
        [table.labels[c] for c in demographic],
        counts_all_one=counts_all_one,
        rows=rows_seen,
        file_name=table.name,
    )
    collector = collector or _collector(table, known_measures, resolve_area)
    tidy = collector.finish()
    return CheckedFile(
        table.name,
        table.checksum,
        _batch_source(source, collector, table.name),
        collector.rows_read,
        tidy,
    )


def _collector(table: TemplateTable, known_measures, resolve_area) -> ObservationCollector:
    return ObservationCollector(
        MeasureCatalogue.from_known(known_measures),
        file=table.name,
        areas=AreaLookup(resolve_area),
        labels=table.labels,
        separator=table.separator,
    )


def _already_loaded(store, checksum: str):
    """The result for a file whose checksum is already loaded (nothing is read or written)."""

    with store.engine.connect() as conn:
        batch_id = find_loaded_batch(conn, checksum)
    if batch_id is None:
        return None
    return BatchResult(batch_id, "unchanged", 0, 0, "Filen är redan inläst (samma kontrollsumma).")


def _import_table(
    store,
    table: TemplateTable,
    *,
    source,
    user,
    known_measures,
    synthetic,
    chunk_rows,
    resolve_area,
    provenance=None,
):
    if source:  # refused even when the file itself is already loaded
        refuse_personal_text(source, what="källan (--source eller fältet Källa)")
    unchanged = _already_loaded(store, table.checksum)
    if unchanged is not None:
        return unchanged
    checked = _check_table(
        table, source=source, known_measures=known_measures, resolve_area=resolve_area
    )
    return _write(
        store,
        checked.observations,
        name=checked.name,
        checksum=checked.checksum,
        source=checked.source,
        user=user,
        synthetic=synthetic,
        rows_total=checked.rows_read,
        chunk_rows=chunk_rows,
        provenance=provenance,
    )


def import_dataframe(
    store,
    frame: pd.DataFrame,
    *,
    file_name: str,
    source: str | None = None,
    user: str = "cli",
    known_measures: Mapping[str, str | None] | Iterable[str] | None = None,
    synthetic: bool = False,
    chunk_rows: int = 200_000,
    resolve_area: Callable[[str], str | None] | None = None,
    provenance=None,
):
    """Import template rows held in memory (same rules as :func:`import_file`).

    ``frame`` has template headers (Swedish or English aliases); cells may be text or
    numbers. The checksum is computed from the frame's content, so importing the same frame
    twice gives "unchanged". ``provenance`` (a :class:`store.observations.Provenance`) is
    stored on the batch.

    Examples
    --------
    >>> from store import Store
    >>> store = Store("sqlite://"); store.migrate()
    >>> rows = pd.DataFrame({"area": ["Ersboda"], "period": [2025], "measure": ["pop_total"],
    ...                      "count": [9000]})
    >>> import_dataframe(store, rows, file_name="scb", known_measures={"pop_total"}).status
    'loaded'
    """
    refuse_personal_text(file_name, what="filnamnet")
    headers = [str(c) for c in frame.columns]
    _check_headers_for_personal_numbers(headers, file_name, header_row=1)
    columns, labels = _map_headers(headers, file_name)
    raw = frame.copy()
    raw.columns = columns
    raw = raw.reset_index(drop=True)
    digest = hashlib.sha256("\x1f".join(columns).encode())
    digest.update(pd.util.hash_pandas_object(raw.astype(str), index=False).to_numpy().tobytes())
    rows = np.arange(len(raw), dtype=np.int64) + 2

    def chunks() -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        refuse_personal_data(raw, file_name=file_name, rows=rows, labels=labels)
        yield raw.apply(cells_as_text), rows

    table = TemplateTable(file_name, digest.hexdigest(), "frame", headers, labels, chunks)
    return _import_table(
        store,
        table,
        source=source,
        user=user,
        known_measures=known_measures,
        synthetic=synthetic,
        chunk_rows=chunk_rows,
        resolve_area=resolve_area,
        provenance=provenance,
    )


# --- the blank template --------------------------------------------------------------------------

#: Rows of the instruction sheet of the Excel template (column, meaning, example);
#: ``{municipality}`` and ``{district}`` are filled from the place (data/place/<place>.yml).
TEMPLATE_HELP = [
    (
        "omrade",
        "Distrikt eller stadsdel (namn eller kod), {municipality}, eller en DeSO-/RegSO-kod. "
        "DeSO/RegSO summeras till distrikt.",
        "{district}",
    ),
    ("period", "År, termin, månad eller ISO-vecka.", "2025, 2025-VT, 2025-03, 2025-W47"),
    ("matt", "Måttets id (se sidan Om & metod).", "barn_ekonomiskt_utsatta"),
    ("antal", "Antal (täljare), ett heltal.", "12"),
    ("namnare", "Nämnare (heltal), t.ex. antal barn i området. Tom om den saknas.", "240"),
    ("varde", "Färdigt värde (t.ex. ett medelvärde) om antal saknas.", "229,4"),
    ("kalla", "Källa (samma på alla rader).", "Socialtjänsten"),
]


def write_template_files(folder: str | Path) -> list[Path]:
    """Write the blank template: ``mall_observationer.csv`` (Swedish Excel CSV: semicolon,
    UTF-8 with BOM) and ``mall_observationer.xlsx`` (a *Data* sheet with the header row and an
    *Instruktioner* sheet). Both are header-only, so importing them unchanged is refused.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_template_files(tempfile.mkdtemp())]
    ['mall_observationer.csv', 'mall_observationer.xlsx']
    """
    import datetime as dt

    import openpyxl
    from openpyxl.styles import Font

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "mall_observationer.csv"
    csv_path.write_bytes(codecs.BOM_UTF8 + (";".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8"))

    workbook = openpyxl.Workbook()
    workbook.properties.created = workbook.properties.modified = dt.datetime(2025, 1, 1)
    data = workbook.active
    data.title = "Data"
    data.append(list(TEMPLATE_COLUMNS))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for letter in "ABCDEFG":
        data.column_dimensions[letter].width = 18
    data.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("Instruktioner")
    help_sheet.append(["kolumn", "innehåll", "exempel"])
    districts = read_areas(level="district")
    focus = districts.loc[districts["focus"], "name"]
    fill = {
        "municipality": current_place().name_municipality,
        "district": (focus if len(focus) else districts["name"]).iloc[0],
    }
    for row in TEMPLATE_HELP:
        help_sheet.append([cell.format(**fill) for cell in row])
    help_sheet.append([])
    help_sheet.append(
        [
            "",
            "En rad per område × period × mått. Inga personuppgifter: filer med "
            "personnummer eller kolumner som namn, adress eller e-post avvisas helt.",
            "",
        ]
    )
    help_sheet.column_dimensions["B"].width = 90
    help_sheet.column_dimensions["C"].width = 32
    xlsx_path = folder / "mall_observationer.xlsx"
    workbook.save(xlsx_path)
    return [csv_path, xlsx_path]
