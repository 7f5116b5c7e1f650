"""Shared fixtures: real SQLite and PostgreSQL stores, a demo database, a served app and Chromium.

In CI (``CI=true``) a missing component is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(component: str) -> None:
    """Skip locally, fail in CI."""
    message = f"{component} is not available"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: missing components fail the run)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server on a free port; yields a function making fresh databases."""
    from common import pgserver

    if not pgserver.available():
        missing("PostgreSQL server binaries (initdb, pg_ctl)")
    counter = iter(range(10_000))
    with pgserver.throwaway_server() as port:

        def make_database() -> str:
            return pgserver.create_database(port, f"uvts_{next(counter)}_{os.getpid()}")

        make_database.port = port
        yield make_database


@pytest.fixture(scope="session")
def migrated_store(request, tmp_path_factory):
    """A function ``(dialect, folder) -> Store`` giving a migrated, empty store.

    The schema is built once per session by the real ``Store.migrate`` (Alembic) into a
    template; every store after that is a copy of it: the SQLite file copied, or a PostgreSQL
    ``CREATE DATABASE … TEMPLATE``. A copy is the same schema, row for row, as a migration
    would make, at a tenth of the cost (migrating is tested on its own in tests/store/).
    """
    from store import Store

    templates: dict[str, str] = {}
    counter = iter(range(100_000))

    def template(dialect: str) -> str:
        if dialect not in templates:
            if dialect == "sqlite":
                path = tmp_path_factory.mktemp("template") / "migrated.sqlite"
                url = f"sqlite:///{path}"
            else:
                url = request.getfixturevalue("postgres_server")()
            made = Store(url)
            made.migrate()
            made.dispose()
            templates[dialect] = str(path) if dialect == "sqlite" else url.rsplit("/", 1)[1]
        return templates[dialect]

    def make(dialect: str, folder: Path) -> Store:
        source = template(dialect)
        if dialect == "sqlite":
            target = folder / f"uvts_{next(counter)}.sqlite"
            shutil.copyfile(source, target)
            return Store(f"sqlite:///{target}")
        from common import pgserver

        port = request.getfixturevalue("postgres_server").port
        name = f"uvts_copy_{next(counter)}_{os.getpid()}"
        return Store(pgserver.create_database(port, name, template=source))

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path, migrated_store):
    """A migrated, empty store on SQLite and on a real PostgreSQL server."""
    store = migrated_store(request.param, tmp_path)
    yield store
    store.dispose()


# --- Demo database ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    """A demo database built once per session through the real import path (read-only use)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    env = {**os.environ, "UVTS_DATABASE_URL": f"sqlite:///{path}", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "store", "migrate"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        [sys.executable, "-m", "sources.demo", "--if-empty"], check=True, env=env, cwd=ROOT
    )
    return path


@pytest.fixture
def demo_store(demo_db_file, tmp_path):
    """A private copy of the demo database, safe to write to."""
    from store import Store

    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_file, copy)
    store = Store(f"sqlite:///{copy}")
    yield store
    store.dispose()


# --- Served app and Chromium ----------------------------------------------------------------------


def start_app(db_url: str, *, extra_env: dict | None = None, port: int | None = None):
    """Start `streamlit run dashboard.py` on a free port; returns (process, base_url)."""
    port = port or free_port()
    env = {**os.environ, "UVTS_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    proc.kill()
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    raise RuntimeError(f"streamlit did not start:\n{out[-3000:]}")


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if not path:
        missing("Debian chromium (/usr/bin/chromium)")
    return path


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (python package)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- Distribution over the xdist workers (`make test` runs `-n 2 --dist loadfile`) -------------

#: Modules whose tests are spread over both workers one by one: their single tests are long
#: enough that balance is worth building their module fixtures (a served app, the demo
#: export) once per worker. Every other module runs whole on one worker (``loadfile``), so its
#: module-scoped fixtures are built once.
SPREAD_MODULES = {"test_meetings", "test_audit", "test_concurrency", "test_browser"}


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, except that the tests of :data:`SPREAD_MODULES` are scheduled one
    by one. (xdist's ``loadgroup`` marks are not honoured by xdist 3.8 here: measured.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return nodeid if Path(module).stem in SPREAD_MODULES else module

    return ModuleScheduling(config, log)
