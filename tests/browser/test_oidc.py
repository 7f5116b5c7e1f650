"""Real sign-in: Chromium signs in through a real local OIDC provider (oidc-provider-mock) with
Streamlit's st.login, lands with the role from the claim or the admin table, and is refused the
pages that role may not see."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, missing, start_app, stop_app

pytestmark = pytest.mark.browser

USERS = [
    {"sub": "anna", "role": "est", "name": "Anna EST"},
    {"sub": "bo", "role": "admin", "name": "Bo Admin"},
    {"sub": "carl", "name": "Carl utan anspråk"},  # role from the admin-managed table
    # Sets the admin's address on her own account; the provider says it is not verified.
    {"sub": "mallory", "name": "Mallory", "email": "chef@umea.se", "email_verified": False},
    # The same address, verified by the provider: the table's role applies.
    {
        "sub": "vera",
        "name": "Vera 19121212\u20131212",
        "email": "chef@umea.se",
        "email_verified": True,
    },
]


def _wait_for(url: str, proc: subprocess.Popen, *, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture(scope="module")
def oidc_provider():
    exe = Path(sys.executable).with_name("oidc-provider-mock")
    if not exe.exists():
        missing("oidc-provider-mock (python package)")
    port = free_port()
    args = [str(exe), "--port", str(port)]
    for user in USERS:
        args += ["--user-claims", json.dumps(user)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _wait_for(f"{base}/.well-known/openid-configuration", proc)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def served(oidc_provider, demo_db_file, tmp_path_factory):
    """The app with an [auth] section in a secrets file outside the repository."""
    from access.reads import set_role
    from store import Store

    folder = tmp_path_factory.mktemp("oidc")
    db = folder / "demo.sqlite"
    shutil.copy(demo_db_file, db)
    store = Store(f"sqlite:///{db}")
    set_role(store, "admin", "carl", "analytiker", by="test")
    set_role(store, "admin", "chef@umea.se", "admin", by="test")
    store.dispose()
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "uvts-test"\n'
        'client_secret = "uvts-test-secret"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    proc, _ = start_app(
        f"sqlite:///{db}", port=port, extra_env={"STREAMLIT_SECRETS_FILES": str(secrets_file)}
    )
    # localhost for the app, 127.0.0.1 for the provider: their cookies never mix.
    yield f"http://localhost:{port}", f"sqlite:///{db}"
    stop_app(proc)


def wait_for_app(page):
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )


def nav_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def sign_in(browser, base: str, sub: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    login = page.get_by_role("button", name="Logga in")
    # The entry page first: until a session has run dashboard.py, Streamlit serves pages/ as
    # plain multipage scripts (see test_admin_page_refuses_a_session_that_skipped_the_entry).
    page.goto(base)
    login.wait_for(timeout=60_000)
    # A page without the map: on Översikt the deck.gl chart takes the first click.
    page.goto(f"{base}/trender")
    login.wait_for(timeout=60_000)
    wait_for_app(page)
    assert "Administration" not in nav_titles(page)  # anonymous = publik
    login.click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator(f"button[name='sub'][value='{sub}']").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)
    wait_for_app(page)
    page.get_by_text("Inloggad:").wait_for(timeout=30_000)
    return context, page


def test_claim_role_lands_and_forbidden_pages_are_refused(served, browser, artifacts):
    base, _ = served
    context, page = sign_in(browser, base, "anna")
    try:
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Anna EST" in sidebar and "EST-gruppen" in sidebar
        titles = nav_titles(page)
        assert "Översikt" in titles
        assert "Data" not in titles and "Administration" not in titles
        assert "Demoläge" not in page.inner_text("body")  # no switcher when sign-in is configured
        page.screenshot(path=str(artifacts / "oidc_est.png"))
        page.goto(f"{base}/admin")  # typed by hand: not in this role's navigation
        wait_for_app(page)
        page.wait_for_timeout(1000)
        body = page.inner_text("body")
        assert "Granskningslogg" not in body and "Användare och roller" not in body
        assert "inte öppen för din roll" in body and "Page not found" not in body
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        context.close()


def test_table_role_overrides_and_admin_sees_the_signins_in_the_audit_log(
    served, browser, artifacts
):
    base, _ = served
    context, page = sign_in(browser, base, "carl")
    try:
        assert "Analytiker" in page.locator("[data-testid='stSidebar']").inner_text()
        assert "Data" in nav_titles(page) and "Administration" not in nav_titles(page)
    finally:
        context.close()
    context, page = sign_in(browser, base, "bo")
    try:
        assert "Administration" in nav_titles(page)
        page.goto(f"{base}/admin")
        wait_for_app(page)
        page.get_by_text("Granskningslogg").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(artifacts / "oidc_admin.png"), full_page=True)
    finally:
        context.close()
    from access.reads import audit_entries
    from store import Store

    store = Store(served[1])
    log = audit_entries(store, "admin", action="signin")
    store.dispose()
    assert {"carl", "bo"} <= set(log["user_name"])
    assert log.loc[log["user_name"] == "carl", "detail"].str.contains("analytiker").all()


def test_an_unverified_email_never_gets_the_role_of_that_address(served, browser, artifacts):
    """issue 11: a Keycloak-style user who types someone else's address gets nothing of theirs."""
    base, url = served
    context, page = sign_in(browser, base, "mallory")
    try:
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Allmänhet" in sidebar and "Administratör" not in sidebar
        assert "Administration" not in nav_titles(page) and "Data" not in nav_titles(page)
        page.screenshot(path=str(artifacts / "oidc_unverified.png"))
    finally:
        context.close()
    context, page = sign_in(browser, base, "vera")
    try:
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Administration" in nav_titles(page)
        assert "1212" not in sidebar  # a display name with a personnummer is masked
    finally:
        context.close()
    from access.reads import audit_entries
    from store import Store

    store = Store(url)
    log = audit_entries(store, "admin", action="signin")
    store.dispose()
    mallory = log[log["user_name"] == "mallory"]
    assert not mallory.empty and mallory["detail"].str.contains("publik").all()
    assert "1212" not in log.to_csv()
