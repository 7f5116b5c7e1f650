"""A throwaway PostgreSQL server on a free loopback port, for tests and benchmarks.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user
(``runuser``) in a directory that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_binary(name: str) -> str | None:
    """``initdb``/``pg_ctl`` from PATH or Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def available() -> bool:
    return bool(pg_binary("initdb") and pg_binary("pg_ctl"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_server() -> Iterator[int]:
    """Start a server, yield its port, stop and delete it afterwards."""
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    base = Path(tempfile.mkdtemp(prefix="uvts-pg-"))
    datadir, sockdir = base / "data", base / "sock"
    sockdir.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockdir, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [
            *run_as,
            initdb,
            "-D",
            str(datadir),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        check=True,
        capture_output=True,
    )
    opts = (
        f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )
    subprocess.run(
        [*run_as, pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(base / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield port
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


def create_database(port: int, name: str, *, template: str | None = None) -> str:
    """A fresh database on the server; returns its SQLAlchemy URL.

    With ``template``, the new database is a copy of that one (PostgreSQL's ``CREATE DATABASE
    … TEMPLATE``; nobody may be connected to the template while it is copied).
    """
    import psycopg

    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"
