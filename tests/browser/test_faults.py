"""Faults: PostgreSQL down at start and mid-session gives a clear Swedish message and the app
recovers when it returns; a corrupt SQLite file is reported at start and never recreated."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from common.pgserver import pg_binary
from tests.conftest import ROOT, free_port, missing, start_app, stop_app

pytestmark = pytest.mark.browser

UNREACHABLE = ("Databasen kan inte nås", "Databasen svarar inte")


class Postgres:
    """A PostgreSQL cluster of its own, to stop and start under a running app."""

    def __init__(self) -> None:
        initdb, self.pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
        if not (initdb and self.pg_ctl):
            missing("PostgreSQL server binaries (initdb, pg_ctl)")
        self.base = Path(tempfile.mkdtemp(prefix="uvts-pg-faults-"))
        self.data, sock = self.base / "data", self.base / "sock"
        sock.mkdir()
        self.run_as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.base, "postgres")
            shutil.chown(sock, "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        subprocess.run(
            [
                *self.run_as,
                initdb,
                "-D",
                str(self.data),
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
        self.options = f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        subprocess.run(
            [
                *self.run_as,
                self.pg_ctl,
                "-D",
                str(self.data),
                "-o",
                self.options,
                "-l",
                str(self.base / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def postgres():
    pg = Postgres()
    pg.start()
    env = {**os.environ, "UVTS_DATABASE_URL": pg.url, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "store", "migrate"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    yield pg
    pg.remove()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    p = context.new_page()
    yield p
    context.close()


def settled(page, *expected: str) -> str:
    """The main area's text once the run is over and one of ``expected`` is shown."""
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    page.wait_for_function(
        """texts => {
          const main = document.querySelector("[data-testid='stMain']");
          return main && texts.some(t => main.innerText.includes(t))
            && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        arg=list(expected),
        timeout=60_000,
        polling=100,
    )
    assert page.locator("[data-testid='stException']").count() == 0
    return page.inner_text("[data-testid='stMain']")


def navigate(page, title: str, *expected: str) -> str:
    """Open another page of the app in the same session (the sidebar link, no reload)."""
    page.evaluate(
        """title => [...document.querySelectorAll("[data-testid='stSidebarNav'] a")]
                     .find(a => a.innerText.trim() === title).click()""",
        title,
    )
    return settled(page, *expected)


EMPTY = "Inga värden för indikatorn ännu"  # what the (empty) database shows when it answers
CORRUPT = "Databasen kan inte nås"  # fixed text: no path or driver detail for visitors


def test_postgres_down_at_start_and_mid_session_then_back(postgres, page, artifacts):
    postgres.stop()
    proc, base = start_app(postgres.url)
    try:
        page.goto(base)
        text = settled(page, *UNREACHABLE)
        # the error and the hint come in the same run; wait for the second element as well
        page.get_by_text("Sidan försöker igen när du laddar om.").wait_for(timeout=30_000)
        page.screenshot(path=str(artifacts / "fault_pg_down_at_start.png"))

        postgres.start()
        page.reload()
        text = settled(page, EMPTY, *UNREACHABLE)
        assert EMPTY in text and not any(m in text for m in UNREACHABLE), text

        postgres.stop()  # mid-session: the same browser session moves on to another page
        text = navigate(page, "Trender", *UNREACHABLE)
        page.screenshot(path=str(artifacts / "fault_pg_down_mid_session.png"))

        postgres.start()  # and recovers in that session, without a reload
        text = navigate(page, "Om & metod", "Metod och integritet")
        assert not any(m in text for m in UNREACHABLE), text
        page.goto(base)  # a new session reads the database as well
        text = settled(page, EMPTY, *UNREACHABLE)
        assert EMPTY in text and not any(m in text for m in UNREACHABLE), text
    finally:
        stop_app(proc)


def test_corrupt_sqlite_file_is_reported_and_left_untouched(tmp_path, page, artifacts):
    db = tmp_path / "uvts.sqlite"
    db.write_bytes(b"Detta \xe4r ingen SQLite-databas.\n" * 200)
    digest, size = hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_size
    url = f"sqlite:///{db}"

    env = {**os.environ, "UVTS_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    cli = subprocess.run(
        [sys.executable, "-m", "store", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 2
    assert "skadad" in cli.stdout + cli.stderr

    proc, base = start_app(url)
    try:
        page.goto(base)
        text = settled(page, CORRUPT)
        assert CORRUPT in text and str(db) not in text and "sqlite" not in text.lower()
        page.screenshot(path=str(artifacts / "fault_corrupt_sqlite.png"))
        page.reload()
        assert CORRUPT in settled(
            page, CORRUPT, EMPTY
        )  # still refused: nothing was recreated meanwhile
    finally:
        stop_app(proc)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert db.stat().st_size == size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uvts.sqlite"]  # no -wal/-journal
