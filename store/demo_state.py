"""Demo mode as an explicit state of the database (docs/privacy.md "Demo mode").

The ``setting`` row ``demo_mode`` is

* absent — no demo was ever loaded (an empty database is *not* a demo);
* ``"demo"`` — set by :func:`start_demo` when the synthetic demo is loaded;
* ``"closed"`` — set by the first real (non-synthetic) batch, in the same transaction, and
  never changed again: rolling that batch back does not bring demo mode back, and the demo
  cannot be loaded into the database afterwards.

Whether a database in state ``"demo"`` may actually offer the role switcher is decided by
``sources.demo.demo_allowed`` (``UVTS_DEMO=1``, or an SQLite file).
"""

from __future__ import annotations

import sqlalchemy as sa

from common.errors import UserError
from store import schema

KEY = "demo_mode"
DEMO, CLOSED = "demo", "closed"


def read_state(conn: sa.Connection) -> str | None:
    """The demo state in the caller's connection: None, ``"demo"`` or ``"closed"``."""
    t = schema.setting
    return conn.execute(sa.select(t.c.value).where(t.c.key == KEY)).scalar()


def _write(conn: sa.Connection, value: str) -> None:
    t = schema.setting
    if read_state(conn) is None:
        conn.execute(t.insert().values(key=KEY, value=value))
    else:
        conn.execute(t.update().where(t.c.key == KEY).values(value=value))


def demo_state(store) -> str | None:
    """The demo state of ``store``.

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> demo_state(s) is None
    True
    """
    with store.engine.connect() as conn:
        return read_state(conn)


def start_demo(store) -> None:
    """Mark the database as a demo (before loading the synthetic data); refused for good
    once real data has been imported.

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> start_demo(s); demo_state(s)
    'demo'
    """
    with store.engine.begin() as conn:
        if read_state(conn) == CLOSED:
            raise UserError(
                "Databasen har haft riktiga data; demoläget kan inte slås på igen och "
                "syntetiska demodata läses inte in.",
                message_en="The database has held real data; demo mode cannot be turned on again.",
            )
        _write(conn, DEMO)


def before_batch(conn: sa.Connection, *, synthetic: bool) -> None:
    """Called by every batch in its transaction: a real batch closes demo mode for good. (A
    synthetic batch changes nothing; loading *the demo* is refused by :func:`start_demo`.)

    Examples
    --------
    >>> from store import Store
    >>> s = Store("sqlite://"); s.migrate()
    >>> with s.engine.begin() as conn:
    ...     before_batch(conn, synthetic=False)
    >>> demo_state(s)
    'closed'
    """
    if not synthetic and read_state(conn) != CLOSED:
        _write(conn, CLOSED)
