"""`python -m store migrate|check [--db URL]`."""

from __future__ import annotations

import argparse
import sys

from common.cli import run_cli
from geo.areas import read_areas
from store.areas import sync_areas
from store.db import Store


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2
        self.exit(2, f"Fel i argumenten: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m store", description="Databasen: migrera eller kontrollera.")
    parser.add_argument("command", choices=["migrate", "check"])
    parser.add_argument(
        "--db", help="databas-URL (standard: UVTS_DATABASE_URL eller var/uvts.sqlite)"
    )
    args = parser.parse_args(argv)
    store = Store(args.db)
    if args.command == "migrate":
        store.migrate()

        n = sync_areas(store, read_areas())
        print(f"Databasen är uppdaterad ({store.dialect}, {n} områden).")
    else:
        store.check()
        print(
            "Databasen svarar." if store.is_current() else "Databasen svarar men behöver migreras."
        )
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
