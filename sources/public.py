"""Load the real public statistics shipped in ``data/public/`` for the current place.

One import batch per source file, each with its provenance (``data/public/sources.yml``:
publisher, table, where the copy came from, retrieval date, licence) and ``shipped=True``:
the figures are real, yet they are not the municipality's own data, so demo mode (and its
banner) stays until the municipality imports its own files.

* SCB RegSO (3 tables): context indicators per RegSO, summed into districts through the area
  key, plus Sweden's totals (area ``SE``).
* Skolverket (year-9 final grades per school): Sweden's pupil-weighted values (``SE``) and,
  where the municipality has filled in its school → district key, the districts' values. A
  school without a district in the key is left out: its district is never guessed.

``python -m sources.public [--db URL] [--place KEY] [--school-key FILE]`` — the same as
``make run`` does on an empty database (``python -m sources.demo --if-empty``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from common.cli import run_cli
from common.errors import UserError
from common.place import DEFAULT_PLACE, Place, load_place
from common.settings import DATA_DIR
from geo.areas import SWEDEN_CODE, read_areas, resolve_area
from sources import scb_regso, skolverket
from sources.template import import_dataframe
from sources.tidy import ParsedSource, template_rows
from store import Store
from store.areas import sync_areas
from store.observations import Provenance

PUBLIC_DIR = DATA_DIR / "public"
SCB_DIR = PUBLIC_DIR / "scb-regso"
SKOLVERKET_FILE = PUBLIC_DIR / "skolverket" / "slutbetyg_ak9_2025_skolenhet.csv"
USER = "offentlig statistik"
#: Which measure each SCB file carries.
SCB_FILES = {
    "regso_income.csv": "medelinkomst_lon",
    "regso_housing_tenure.csv": "andel_hyresratt",
    "regso_foreign_born.csv": "andel_utrikes_fodda",
}
KEY_COLUMNS = ["skolenhetskod", "skola", "huvudman", "distrikt"]


@dataclass(frozen=True)
class PublicBatch:
    """One loaded file: its batch, the rows, and what was left out and why."""

    file: str
    batch_id: int
    status: str
    rows: int
    notes: tuple[str, ...]


def provenance_of(relative: str, *, manifest: Path = PUBLIC_DIR / "sources.yml") -> Provenance:
    """The provenance of a shipped file, from ``data/public/sources.yml``.

    Examples
    --------
    >>> p = provenance_of("scb-regso/regso_income.csv")
    >>> p.shipped, p.licence, p.retrieved_on.isoformat()
    (True, 'CC0 (SCB öppna data)', '2026-12-03')
    """
    files = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("files", {})
    if relative not in files:
        raise UserError(f"{relative} saknas i {manifest.name}.", file=manifest.name)
    entry = files[relative]
    retrieved = entry.get("retrieved_on")
    return Provenance(
        source_table=str(entry["table"]),
        source_ref=str(entry["ref"]),
        retrieved_on=retrieved if isinstance(retrieved, date) else None,
        licence=str(entry.get("licence") or ""),
        shipped=True,
    )


def regso_codes(place: Place) -> dict[str, str]:
    """RegSO name → the code our importer resolves (Umeå: SCB's ``2480R0xx``; a place built
    from the national file: its district codes)."""
    if place.regso_names_file is None:
        return {}
    frame = pd.read_csv(place.regso_names_file, dtype=str, keep_default_na=False)
    return dict(zip(frame["regso_name"], frame["regso_code"], strict=True))


def read_school_key(path: Path) -> dict[str, str]:
    """School-unit code → district code from the municipality's key (blank rows ignored).

    The key is a semicolon CSV (``skolenhetskod;skola;huvudman;distrikt``); a district that is
    not one of the place's districts is refused with file, row and column.
    """

    if not path.exists():
        return {}
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in KEY_COLUMNS if c not in frame.columns]
    if missing:
        raise UserError(f"Kolumnerna {', '.join(missing)} saknas.", file=path.name, row=1)
    key = {}
    for i, row in frame.iterrows():
        text = row["distrikt"].strip()
        if not text:
            continue
        code = resolve_area(text, level="district")
        if code is None:
            raise UserError(
                f"Distriktet {text!r} finns inte bland kommunens distrikt.",
                file=path.name,
                row=int(i) + 2,
                column="distrikt",
            )
        key[row["skolenhetskod"].strip()] = code
    return key


def write_school_key(results: skolverket.SchoolResults, place: Place, path: Path) -> Path:
    """The blank school → district key of a place: its schools in the Skolverket file,
    district column empty for the municipality to fill in."""
    schools = skolverket.municipality_schools(results, place.code)
    frame = pd.DataFrame(
        {
            "skolenhetskod": schools["school_unit_code"],
            "skola": schools["school"],
            "huvudman": schools["organiser"],
            "distrikt": "",
        }
    ).sort_values("skola", kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def _resolver(place: Place):

    def resolve(text: str) -> str | None:
        return SWEDEN_CODE if text.strip().upper() == SWEDEN_CODE else resolve_area(text)

    return resolve


def _import(store, parsed: ParsedSource, *, file: str, source: str, place: Place, user: str):

    result = import_dataframe(
        store,
        template_rows(parsed.observations),
        file_name=f"data/public/{file}",
        source=source,
        user=user,
        resolve_area=_resolver(place),
        provenance=provenance_of(file),
    )
    return PublicBatch(file, result.batch_id, result.status, result.rows_loaded, parsed.notes)


def load_public(
    store, *, place: Place | None = None, user: str = USER, school_key: Path | None = None
) -> list[PublicBatch]:
    """Import every shipped public file for ``place`` (default: the current place).

    Re-running is a no-op per file ("unchanged": same content, same checksum).
    """
    place = place or load_place()
    tables = scb_regso.read_regso_tables(SCB_DIR)
    codes = regso_codes(place)
    local = scb_regso.regso_observations(tables, municipality=place.name, area_of=codes.get)
    national = scb_regso.national_observations(tables)
    out = []
    for file, measure in SCB_FILES.items():
        obs = pd.concat(
            [
                part.observations[part.observations["measure_id"] == measure]
                for part in (local, national)
            ],
            ignore_index=True,
        )
        parsed = ParsedSource(obs, local.notes + national.notes)
        out.append(
            _import(store, parsed, file=f"scb-regso/{file}", source="SCB", place=place, user=user)
        )
    results = skolverket.read_school_results(SKOLVERKET_FILE)
    key = read_school_key(school_key or place.school_key_file)
    national_school = skolverket.national_school_observations(results)
    parts = [national_school.observations]
    notes = list(national_school.notes)
    if key:
        local_school = skolverket.school_observations(results, school_district=key)
        parts.append(local_school.observations)
        notes += local_school.notes
    else:
        notes.append(
            "Nyckeln skola → distrikt är inte ifylld: skolresultaten visas bara för Sverige "
            f"({place.school_key_file.name})"
        )
    parsed = ParsedSource(pd.concat(parts, ignore_index=True), tuple(notes))
    file = f"skolverket/{SKOLVERKET_FILE.name}"
    out.append(_import(store, parsed, file=file, source="Skolverket", place=place, user=user))
    return out


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(
        prog="python -m sources.public",
        description="Läs in den verkliga offentliga statistiken i data/public/.",
    )
    parser.add_argument("--db", help="databas-URL")
    parser.add_argument(
        "--place", help=f"plats (data/place/<plats>.yml), standard $PLACE eller {DEFAULT_PLACE}"
    )
    parser.add_argument("--school-key", type=Path, help="ifylld nyckel skola → distrikt")
    args = parser.parse_args(argv)
    place = load_place(args.place)
    store = Store(args.db)
    try:
        store.migrate()

        sync_areas(store, read_areas())
        for batch in load_public(store, place=place, school_key=args.school_key):
            print(f"{batch.file}: import {batch.batch_id} ({batch.status}), {batch.rows} rader")
            for note in batch.notes:
                print(f"  Obs: {note}", file=sys.stderr)
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
