"""The store: schema, migrations, reads and writes (SQLite by default, PostgreSQL by URL)."""

from store.db import Store, open_store

__all__ = ["Store", "open_store"]
