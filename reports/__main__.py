"""`python -m reports brief --db URL --period 2025 --out brief.pdf [--omraden ...] [--indicator ID]`.

Subcommands register themselves with ``add_cli(subparsers)``: ``brief`` (here) and
``est-week`` (:mod:`reports.est_week`). Each subcommand
sets a default ``handler`` (or ``func``): a function ``(args) -> int`` (exit code). User
errors become one Swedish line on stderr and exit code 2 (:func:`common.cli.run_cli`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from access.app import open_existing_store
from common.cli import run_cli
from common.errors import UserError
from reports import est_week
from reports.brief import build_brief


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2
        self.exit(2, f"Fel i argumenten: {message}\n")


def _run_brief(args: argparse.Namespace) -> int:
    store = open_existing_store(args.db)
    try:
        districts = None
        if args.omraden:
            districts = [d.strip() for part in args.omraden for d in part.split(",") if d.strip()]
        path = build_brief(
            store,
            period=args.period,
            districts=districts,
            indicator=args.indicator,
            out=args.out,
            level=args.niva,
            map_scheme={"jamforelse": "verdict", "kvantiler": "quantiles"}[args.karta],
        )
    finally:
        store.dispose()
    print(f"Rådsunderlaget är skrivet: {path}")
    return 0


def add_cli(subparsers) -> None:
    """Register the ``brief`` subcommand."""
    brief = subparsers.add_parser(
        "brief",
        help="rådsunderlag (PDF) för ett år och några områden",
        description="Skriv rådsunderlaget (2–4 sidor A4, PDF) utan internet.",
    )
    brief.add_argument(
        "--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)"
    )
    brief.add_argument("--period", required=True, help="år, t.ex. 2025")
    brief.add_argument("--out", required=True, type=Path, help="PDF-fil att skriva")
    brief.add_argument(
        "--omraden",
        "--districts",
        nargs="+",
        metavar="OMRÅDE",
        help="områden (namn eller kod, komma- eller mellanslagsseparerade); "
        "standard: de fyra fokusområdena",
    )
    brief.add_argument(
        "--indicator", help="indikator-id för kartan (standard: första riskindikatorn)"
    )
    brief.add_argument(
        "--niva",
        "--level",
        default="95",
        help="konfidensnivå för intervall och jämförelser: 95 (standard) eller 99,8 "
        "(Fingertips andra nivå)",
    )
    brief.add_argument(
        "--karta",
        "--map",
        choices=["jamforelse", "kvantiler"],
        default="jamforelse",
        help="kartans färgning: jamforelse (standard: jämfört med kommunen, som i appen) "
        "eller kvantiler (värdeklasser)",
    )
    brief.set_defaults(handler=_run_brief)


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m reports`` parser with every available subcommand."""
    parser = _Parser(prog="python -m reports", description="Rapporter som PDF, gjorda offline.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    add_cli(subparsers)
    est_week.add_cli(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None) or getattr(args, "func", None)
    if handler is None:
        raise UserError(f"Kommandot '{args.command}' saknar en körfunktion.")
    result = handler(args)
    return 0 if result is None else int(result)


if __name__ == "__main__":
    sys.exit(run_cli(main))
