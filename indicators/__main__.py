"""`python -m indicators export --db URL --out FILE [--indicator ID ...] [--format ...]`;
`python -m indicators audit [--db URL | --file FILE] [--indicator ID ...]`;
`python -m indicators evaluate --intervention ID --indicator IND [--method M] [--format F]`.

``export`` writes the suppressed, tidy result. Formats: csv (Swedish Excel: ';', decimal
comma, BOM; the default), csv-plain (the stable machine contract), excel, geojson.

``evaluate`` evaluates one intervention of the register on one indicator with each design
(or ``--method``) from the published values (docs/evaluation.md) and prints JSON or CSV.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from catalogue import load_catalogue
from common.cli import run_cli
from common.errors import UserError
from common.settings import SUPPRESSION_THRESHOLD
from geo.areas import area_parent_map
from geo.boundaries import district_polygons, municipality_polygon, stadsdel_polygons
from indicators import export
from indicators.audit import audit as attack_published
from indicators.audit import read_published_csv, summary_text
from indicators.engine import period_parent_map
from indicators.evaluation import METHODS, evaluate_published, summary_table, to_json
from indicators.levels import at_level, parse_level
from indicators.publish import published_values
from store import Store
from store.areas import read_area_table
from store.db import audit
from store.interventions import read_interventions

FORMATS = ("csv", "csv-plain", "excel", "geojson")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"inte ett heltal: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"måste vara minst 1: {value}")
    return value


def _evaluate(args: argparse.Namespace) -> int:
    """Evaluate from the published values (district level, suppressed) and print the result."""
    catalogue = load_catalogue()
    if args.indicator not in catalogue:
        raise UserError(
            f"Okänd indikator: {args.indicator}",
            message_en=f"Unknown indicator: {args.indicator}",
        )
    store = Store(args.db)
    store.check()
    register = read_interventions(store)
    row = register[register["id"] == args.intervention]
    if row.empty:
        raise UserError(
            f"Insatsen {args.intervention} finns inte (python -m indicators evaluate).",
            message_en=f"No intervention {args.intervention}.",
        )
    values = published_values(store, indicator_ids=[args.indicator], levels=("district",))
    result = evaluate_published(
        values,
        row.iloc[0].to_dict(),
        indicator=catalogue[args.indicator],
        others=register,
        methods=args.method or METHODS,
    )
    if args.format == "csv":
        table = summary_table(result["results"])
        table.insert(0, "indicator", args.indicator)
        table.insert(0, "intervention", args.intervention)
        table.insert(0, "synthetic", result["synthetic"])
        sys.stdout.write(table.to_csv(index=False, sep=";", decimal=","))
    else:
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    with store.engine.begin() as conn:
        audit(
            conn,
            user="cli",
            action="export",
            detail=f"utvärdering insats {args.intervention} × {args.indicator} ({args.format})",
        )
    return 0


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
    exp.add_argument(
        "--niva", default="95", help="konfidensnivå för intervall och jämförelser: 95 eller 99,8"
    )
    aud = sub.add_parser(
        "audit", help="angrip de publicerade värdena: kan någon dold uppgift ringas in?"
    )
    aud.add_argument("--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)")
    aud.add_argument("--file", type=Path, help="en exporterad tabell (csv eller csv-plain)")
    aud.add_argument("--indicator", action="append", help="indikator-id (kan upprepas)")
    ev = sub.add_parser("evaluate", help="utvärdera en insats på en indikator")
    ev.add_argument("--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)")
    ev.add_argument("--intervention", required=True, type=_positive_int, help="insatsens id")
    ev.add_argument("--indicator", required=True, help="indikator-id")
    ev.add_argument("--method", action="append", choices=METHODS, help="metod (kan upprepas)")
    ev.add_argument("--format", choices=("json", "csv"), default="json")
    args = parser.parse_args(argv)
    if args.command == "audit":
        return _audit(args)
    if args.command == "evaluate":
        return _evaluate(args)

    level = parse_level(args.niva)
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
    one = catalogue[args.indicator[0]] if args.indicator and len(args.indicator) == 1 else None
    if args.format == "csv":
        data = export.to_csv_bytes(frame, indicator=one, level=level)
    elif args.format == "csv-plain":
        data = export.to_csv_plain(frame)
    elif args.format == "excel":
        data = export.to_excel_bytes(frame, indicator=one, level=level)
    else:
        import pandas as pd

        polys = pd.concat(
            [
                municipality_polygon(crs=4326),
                district_polygons(crs=4326),
                stadsdel_polygons(crs=4326),
            ],
            ignore_index=True,
        )
        data = export.to_geojson_bytes(at_level(frame, level=level), polys)
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


def _audit(args: argparse.Namespace) -> int:
    """Attack the published table (docs/disclosure.md §4); exit 1 if a cell can be pinned."""
    if args.file is not None:
        published = read_published_csv(args.file)
        area_parent = area_parent_map()
    else:
        unknown = [i for i in args.indicator or [] if i not in load_catalogue()]
        if unknown:
            raise UserError(
                f"Okänd indikator: {', '.join(unknown)}", message_en=f"Unknown indicator: {unknown}"
            )
        store = Store(args.db)
        store.check()
        published = published_values(
            store, indicator_ids=args.indicator, levels=("municipality", "district", "stadsdel")
        )
        areas = read_area_table(store)
        area_parent = {
            c: p
            for c, p in zip(areas["code"], areas["parent_code"], strict=True)
            if isinstance(p, str) and p
        }
    if args.indicator:
        published = published[published["indicator_id"].isin(args.indicator)]
    result = attack_published(
        published.reset_index(drop=True),
        area_parent=area_parent,
        period_parent=period_parent_map(published["period"].astype(str).unique()),
        threshold=SUPPRESSION_THRESHOLD,
    )
    print(summary_text(result, threshold=SUPPRESSION_THRESHOLD))
    return 1 if result["pinned"].any() else 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
