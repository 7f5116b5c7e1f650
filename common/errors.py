"""Errors a user can read.

Every layer raises :class:`UserError` (or a subclass) for problems that the user
must fix: bad input files, a wrong database URL, bad CLI arguments.  The CLI turns
it into one Swedish line and exit code 2; pages show it with ``st.error``.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.personal_numbers import mask


@dataclass(frozen=True)
class Problem:
    """One problem found in an input, with where it is.

    Message, file and column are masked by :func:`common.personal_numbers.mask`: a message
    never repeats an identity number, whatever user text it quotes (docs/privacy.md).

    Examples
    --------
    >>> str(Problem("Okänt område '850709\u20139805'", file="a.csv", column="omrade"))
    "fil a.csv, kolumn omrade: Okänt område '######-####'"
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", mask(self.message))
        if self.file is not None:
            object.__setattr__(self, "file", mask(self.file))
        if self.column is not None:
            object.__setattr__(self, "column", mask(self.column))

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"fil {self.file}")
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class UserError(Exception):
    """A problem the user can fix; the message is Swedish and says where.

    Examples
    --------
    >>> str(UserError("Okänt område 'Xby'", file="a.csv", row=3, column="omrade"))
    "fil a.csv, rad 3, kolumn omrade: Okänt område 'Xby'"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        message_en: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.problem = Problem(message, file=file, row=row, column=column)
        self.message_en = None if message_en is None else mask(message_en)
        self.problems: list[Problem] = problems if problems is not None else [self.problem]
        super().__init__(str(self.problem))


class ValidationError(UserError):
    """Many problems in one input; ``problems`` lists them all (shown up to 50)."""

    def __init__(self, problems: list[Problem], *, file: str | None = None) -> None:
        self.file = file
        total = len(problems)
        head = f"{total} fel i {file}" if file else f"{total} fel"
        super().__init__(head, file=None, problems=problems)

    def report(self, limit: int = 50) -> str:
        lines = [str(self.problem)]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … och {len(self.problems) - limit} fel till")
        return "\n".join(lines)
