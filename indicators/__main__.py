"""`python -m indicators export --db URL --out FILE [--indicator ID ...] [--format ...]`.

Writes the suppressed, tidy result. Formats: csv (Swedish Excel: ';', decimal comma, BOM;
the default), csv-plain (the stable machine contract), excel, geojson.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common.cli import run_cli
from common.errors import UserError

FORMATS = ("csv", "csv-plain", "excel", "geojson")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(2, f"Fel i argumenten: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m indicators", description="Exportera publicerade indikatorvärden."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    exp = sub.add_parser("export", help="skriv indikatorvärden till en fil")
    exp.add_argument("--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)")
    exp.add_argument("--out", required=True, type=Path, help="utfil")
    exp.add_argument("--indicator", action="append", help="indikator-id (kan upprepas)")
    exp.add_argument("--format", choices=FORMATS, default="csv")
    args = parser.parse_args(argv)

    from indicators import export
    from indicators.catalogue import load_catalogue
    from indicators.publish import published_values
    from store import Store
    from store.db import audit

    catalogue = load_catalogue()
    unknown = [i for i in args.indicator or [] if i not in catalogue]
    if unknown:
        raise UserError(
            f"Okänd indikator: {', '.join(unknown)}", message_en=f"Unknown indicator: {unknown}"
        )
    if not args.out.parent.exists():
        raise UserError(f"Mappen {args.out.parent} finns inte.", message_en="Output folder missing")
    store = Store(args.db)
    store.check()
    frame = published_values(
        store, indicator_ids=args.indicator, levels=("municipality", "district", "stadsdel")
    )
    one = (
        catalogue[args.indicator[0]].model_dump()
        if args.indicator and len(args.indicator) == 1
        else None
    )
    if args.format == "csv":
        data = export.to_csv_bytes(frame, indicator=one)
    elif args.format == "csv-plain":
        data = export.to_csv_plain(frame)
    elif args.format == "excel":
        data = export.to_excel_bytes(frame, indicator=one)
    else:
        import pandas as pd

        from geo.boundaries import district_polygons, municipality_polygon, stadsdel_polygons

        polys = pd.concat(
            [
                municipality_polygon(crs=4326),
                district_polygons(crs=4326),
                stadsdel_polygons(crs=4326),
            ],
            ignore_index=True,
        )
        data = export.to_geojson_bytes(frame, polys)
    args.out.write_bytes(data)
    with store.engine.begin() as conn:
        audit(
            conn,
            user="cli",
            action="export",
            detail=f"{args.out.name} ({args.format}, {len(frame)} rader)",
        )
    print(f"Skrev {len(frame)} rader till {args.out} ({args.format}).")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
