"""Running a command-line entry so that user errors become one line and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from common.errors import UserError, ValidationError


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
    except KeyboardInterrupt:
        return 130
