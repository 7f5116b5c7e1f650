"""Running a command-line entry so that user errors become one line and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from common.errors import UserError, ValidationError

#: A database error that no layer turned into a UserError: most often a store whose schema
#: predates this version. Never the driver's text (it can hold the URL or the SQL).
DATABASE_ERROR = (
    "Fel: databasen kunde inte läsas eller skrivas. Är den uppgraderad till den här versionen? "
    "Kör `make setup` (eller `python -m store migrate`) och försök igen. Inget har ändrats."
)
DATABASE_ERROR_EN = (
    "Error: the database could not be read or written. Is it migrated to this version? "
    "Run `make setup` (or `python -m store migrate`) and try again. Nothing was changed."
)


def run_cli(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Call ``main``; a UserError prints its Swedish message (and English if any) and returns 2."""
    try:
        return main(argv)
    except ValidationError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        if exc.message_en:
            print(f"Error: {exc.message_en}", file=sys.stderr)
        return 2
    except SQLAlchemyError:
        print(DATABASE_ERROR, file=sys.stderr)
        print(DATABASE_ERROR_EN, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
