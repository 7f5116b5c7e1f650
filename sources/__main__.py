"""``python -m sources``: import template files, list and roll back batches, fetch public data.

    python -m sources import FILE [--source NAME] [--db URL] [--user NAME] [--check]
    python -m sources batches [--db URL]
    python -m sources rollback BATCH_ID [--db URL] [--user NAME]
    python -m sources fetch scb|kolada|polisen|skolverket [options] --fetch [--out FILE]

A user error (bad file, personal data, unknown batch, no network) prints a Swedish message
(the first 50 problems and the total) on stderr and exits with code 2, no traceback; the
store is then unchanged. The database is ``--db``, else ``UVTS_DATABASE_URL``, else the
embedded SQLite file; migrations run first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from common.cli import run_cli
from common.errors import UserError
from common.place import current_place
from indicators.publish import rebuild
from sources import download, kolada, polisen, scb, skolverket
from sources.template import check_file, import_dataframe, import_file
from sources.tidy import ParsedSource, template_rows
from store import Store
from store.observations import list_batches, rollback_batch

PLACE = current_place()  # data/place/<place>.yml: the default municipality code and name


def _store(url: str | None):

    store = Store(url)
    store.migrate()
    return store


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _values(n: int, one: str = "värde", many: str = "värden") -> str:
    return f"{_count(n)} {one if n == 1 else many}"


def publish(store) -> None:
    """Rebuild the published values after a change, with a progress line on stderr
    (docs/published.md). The one place the importer's CLI reaches the indicator layer."""

    def line(fraction: float, text: str) -> None:
        print(f"\rPublicerar {fraction:4.0%} {text:<48}", end="", file=sys.stderr, flush=True)

    result = rebuild(store, progress=line)
    print(file=sys.stderr)
    print(
        f"Publicerade värden: version {result.version}, {_count(result.rows)} rader "
        f"({result.seconds:.1f} s)."
    )


def _import(args: argparse.Namespace) -> int:

    if args.check:
        checked = check_file(args.file, source=args.source)
        print(
            f"{checked.name}: inga fel. {_count(len(checked.observations))} värden skulle läsas "
            f"in från {_count(checked.rows_read)} rader (källa: {checked.source}). "
            "Inget har skrivits."
        )
        return 0
    store = _store(args.db)
    try:
        result = import_file(store, args.file, source=args.source, user=args.user)
        name = Path(args.file).name
        if result.status == "unchanged":
            print(
                f"{name} är redan inläst (import {result.batch_id}, samma kontrollsumma); "
                "inget har ändrats."
            )
        else:
            print(
                f"Import {result.batch_id} klar: {name}, {_values(result.rows_loaded)} inlästa, "
                f"{_values(result.rows_replaced, 'tidigare värde', 'tidigare värden')} ersatta."
            )
            publish(store)
    finally:
        store.dispose()
    return 0


def _batches(args: argparse.Namespace) -> int:

    store = _store(args.db)
    try:
        batches = list_batches(store)
    finally:
        store.dispose()
    if batches.empty:
        print("Inga importer ännu.")
        return 0
    status_sv = {"loaded": "inläst", "rolled_back": "återställd"}
    shown = pd.DataFrame(
        {
            "id": batches["id"],
            "status": batches["status"].map(lambda s: status_sv.get(s, s)),
            "tid": pd.to_datetime(batches["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            "källa": batches["source"],
            "fil": batches["file_name"],
            "rader": batches["rows_loaded"],
            "ersatta": batches["rows_replaced"],
            "användare": batches["user_name"],
            "demo": batches["synthetic"].map(lambda s: "ja" if s else ""),
        }
    )
    print(shown.to_string(index=False))
    return 0


def _rollback(args: argparse.Namespace) -> int:

    store = _store(args.db)
    try:
        print(rollback_batch(store, args.batch_id, user=args.user))
        publish(store)
    finally:
        store.dispose()
    return 0


def _fetch(args: argparse.Namespace) -> int:

    if not args.fetch:
        raise UserError(
            "Hämtning från internet görs bara när du ber om det: lägg till --fetch "
            f"(t.ex. python -m sources fetch {args.source} --fetch).",
            message_en="Fetching from the internet needs --fetch.",
        )
    if args.source == "skolverket":
        base = download.base_url(skolverket.BASE_URL, args.base_url)
        url: str | None = skolverket.school_units_url(args.municipality, base=base)
        pages = []
        while url and len(pages) < args.max_pages:
            payload = download.fetch_json(url, accept=skolverket.ACCEPT)
            pages.append(skolverket.parse_school_units(payload))
            url = skolverket.next_page_url(payload)
        units = pd.concat(pages, ignore_index=True)
        if not args.out:
            raise UserError(
                "Skolenheter är ingen statistik att läsa in; ange --out FIL för att spara listan."
            )
        units.to_csv(args.out, sep=";", index=False, encoding="utf-8-sig")
        print(f"{_count(len(units))} skolenheter sparade i {args.out}.")
        return 0
    if args.source == "scb":
        base = download.base_url(scb.BASE_URL, args.base_url)
        selection = {"Region": [args.municipality]}
        for item in args.select or []:
            variable, _, codes = item.partition("=")
            if not codes:
                raise UserError(f"--select ska skrivas VARIABEL=KOD1,KOD2, inte {item!r}.")
            selection[variable.strip()] = [c.strip() for c in codes.split(",") if c.strip()]
        payload = download.fetch_json(
            scb.data_url(args.table, base=base), body=scb.selection_body(selection)
        )
        parsed = scb.parse_jsonstat2(payload)
    elif args.source == "kolada":
        if not args.kpi:
            raise UserError("Ange nyckeltalet med --kpi (t.ex. --kpi N15428).")
        base = download.base_url(kolada.BASE_URL, args.base_url)
        url = kolada.data_url(args.kpi, args.municipality, years=args.years, base=base)
        mapping = {args.kpi: args.measure} if args.measure else None
        frames, notes_list = [], []
        while url:
            payload = download.fetch_json(url)
            part = kolada.parse_values(payload, measure_ids=mapping)
            frames.append(part.observations)
            notes_list += part.notes
            url = kolada.next_page(payload)
        parsed = ParsedSource(pd.concat(frames, ignore_index=True), tuple(notes_list))
    else:
        base = download.base_url(polisen.BASE_URL, args.base_url)
        payload = download.fetch_json(polisen.events_url(args.location, base=base))
        parsed = polisen.parse_events(payload)
    notes = parsed.notes
    for note in notes:
        print(f"Obs: {note}", file=sys.stderr)
    rows = template_rows(parsed.observations)
    if args.out:
        rows.to_csv(args.out, sep=";", decimal=",", index=False, encoding="utf-8-sig")
        print(
            f"{_count(len(rows))} värden sparade i {args.out} (mallformat; läs in med "
            f"python -m sources import {args.out})."
        )
        return 0

    source_name = parsed.observations["source"].iloc[0] if len(rows) else args.source
    store = _store(args.db)
    try:
        result = import_dataframe(
            store, rows, file_name=f"{args.source}-hämtning", source=source_name, user=args.user
        )
        if result.status == "loaded":
            publish(store)
    finally:
        store.dispose()
    print(
        f"Import {result.batch_id}: {_count(result.rows_loaded)} värden från {source_name} "
        f"({result.status})."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sources",
        description="Läs in mallfiler, visa och återställ importer, hämta öppna data.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, *, user: bool = True) -> None:
        p.add_argument("--db", help="databas-URL (standard: UVTS_DATABASE_URL eller SQLite-filen)")
        if user:
            p.add_argument("--user", default="cli", help="vem som gör ändringen (loggas)")

    p = sub.add_parser("import", help="läs in en mallfil (CSV eller .xlsx)")
    p.add_argument("file", type=Path)
    p.add_argument("--source", help="källans namn (standard: kolumnen kalla)")
    p.add_argument("--check", action="store_true", help="kontrollera bara, skriv inget")
    common(p)
    p.set_defaults(run=_import)

    p = sub.add_parser("batches", help="lista importer")
    common(p, user=False)
    p.set_defaults(run=_batches)

    p = sub.add_parser("rollback", help="återställ en import")
    p.add_argument("batch_id", type=int)
    common(p)
    p.set_defaults(run=_rollback)

    p = sub.add_parser("fetch", help="hämta öppna data (kräver --fetch och internet)")
    p.add_argument("source", choices=["scb", "kolada", "polisen", "skolverket"])
    p.add_argument("--fetch", action="store_true", help="hämta verkligen från internet")
    p.add_argument("--base-url", help="annan server (även UVTS_FETCH_BASE_URL)")
    p.add_argument("--out", type=Path, help="spara som CSV i stället för att läsa in")
    p.add_argument(
        "--municipality",
        default=PLACE.code,
        help=f"kommunkod (standard {PLACE.code} {PLACE.name}, från data/place/)",
    )
    p.add_argument("--table", default="TAB638", help="SCB: tabell-id i PxWebApi 2.0")
    p.add_argument("--select", action="append", help="SCB: VARIABEL=KOD1,KOD2 (upprepas)")
    p.add_argument("--kpi", help="Kolada: nyckeltalets id, t.ex. N15428")
    p.add_argument("--measure", help="Kolada: vårt mått-id för nyckeltalet")
    p.add_argument("--years", type=int, nargs="*", help="Kolada: år")
    p.add_argument("--location", default=PLACE.name, help="Polisen: platsnamn")
    p.add_argument("--max-pages", type=int, default=50, help="Skolverket: högst så många sidor")
    common(p)
    p.set_defaults(run=_fetch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(run_cli(main))
