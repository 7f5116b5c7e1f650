"""Connecting to the store, migrating it, and the data version used as a cache key."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from common.errors import UserError
from common.personal_numbers import mask
from common.settings import database_url
from store import schema

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _alembic_config():
    # Alembic is imported only where migrations run: importing it costs ≈ 0,5 s in every
    # process (page server, CLI) that never migrates (measured with `python -X importtime`).
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _redact(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<ogiltig URL>"


def _connection_error(url: str, exc: Exception) -> UserError:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else ""
    if "file is not a database" in text or "malformed" in text:
        return UserError(
            f"Databasfilen {_redact(url)} är skadad (inte en SQLite-databas). "
            "Den har inte ändrats; återställ en säkerhetskopia eller flytta undan filen.",
            message_en=f"The database file {_redact(url)} is corrupt (not an SQLite database). "
            "It was left untouched.",
        )
    return UserError(
        f"Kan inte ansluta till databasen {_redact(url)}: {text}",
        message_en=f"Cannot connect to the database {_redact(url)}: {text}",
    )


class Store:
    """A handle on the database: engine plus a few store-wide operations.

    Examples
    --------
    >>> s = Store("sqlite://")
    >>> s.migrate()
    >>> s.data_version()
    0
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = url or database_url()
        if engine is not None:
            self.engine = engine
            return
        try:
            kwargs: dict = {}
            if self.url.startswith("sqlite"):
                kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
                path = sa.engine.make_url(self.url).database
                if path and path != ":memory:":
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
            else:
                kwargs["pool_pre_ping"] = True
            self.engine = sa.create_engine(self.url, **kwargs)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise UserError(
                f"Ogiltig databas-URL {_redact(self.url)}: {exc}",
                message_en=f"Invalid database URL {_redact(self.url)}",
            ) from exc
        if self.url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def check(self) -> None:
        """Raise a readable UserError if the database cannot be reached or read."""
        try:
            with self.engine.connect() as conn:
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM sqlite_master"
                        if self.dialect == "sqlite"
                        else "SELECT 1"
                    )
                )
        except sa.exc.SQLAlchemyError as exc:
            raise _connection_error(self.url, exc) from exc

    def migrate(self) -> None:
        """Apply all migrations (idempotent)."""
        from alembic import command  # see _alembic_config: only migrations pay for alembic

        self.check()
        cfg = _alembic_config()
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except sa.exc.SQLAlchemyError as exc:
            raise _connection_error(self.url, exc) from exc

    def is_current(self) -> bool:
        """True when the schema is at the newest migration."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() == head

    def data_version(self) -> int:
        """A number that changes whenever data is written or rolled back (cache key)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(schema.setting.c.value).where(schema.setting.c.key == "data_version")
            ).scalar()
        return int(value) if value is not None else 0

    def dispose(self) -> None:
        self.engine.dispose()


def bump_data_version(conn: sa.Connection) -> None:
    """Increment the data version inside the caller's transaction."""
    t = schema.setting
    current = conn.execute(sa.select(t.c.value).where(t.c.key == "data_version")).scalar()
    if current is None:
        conn.execute(t.insert().values(key="data_version", value="1"))
    else:
        conn.execute(
            t.update().where(t.c.key == "data_version").values(value=str(int(current) + 1))
        )


def audit(conn: sa.Connection, *, user: str, action: str, detail: str = "") -> None:
    """Write one audit line (sign-in, import, rollback, export, role change); any identity
    number in the user or the detail is masked first (docs/privacy.md)."""
    conn.execute(
        schema.audit_log.insert().values(
            at=datetime.now(UTC),
            user_name=mask(user, all_long=True)[:200],
            action=action,
            detail=mask(detail, all_long=True),
        )
    )


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def open_store(url: str | None = None, *, migrate: bool = False) -> Store:
    """Open (and optionally migrate) the store at ``url`` or the configured default."""
    store = Store(url or os.environ.get("UVTS_DATABASE_URL") or None)
    if migrate:
        store.migrate()
    else:
        store.check()
    return store
