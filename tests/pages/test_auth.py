"""ui/auth.py and pages/admin.py in AppTest: the demo switcher exists only on a demo database
without sign-in, the session role reaches the data layer, and the admin page refuses others."""

from __future__ import annotations

import pandas as pd
import pytest

from access.reads import audit_entries, role_of_subject
from store.observations import write_observations

SWITCHER = "Demoläge: välj roll"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "uvts",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def run(run_app):
    return run_app


def sidebar_text(at) -> str:
    return " ".join(m.value for m in at.sidebar.markdown)


def make_real(store) -> None:
    rows = pd.DataFrame(
        {
            "measure_id": ["ej_behoriga_gymnasiet"],
            "area_code": ["d-ersboda"],
            "period": ["2026"],
            "count": [5.0],
            "denominator": [100.0],
            "value": [None],
        }
    )
    write_observations(
        store,
        [rows],
        source="skola",
        file_name="riktig.csv",
        checksum="real",
        user="analytiker",
        synthetic=False,
    )


def test_demo_database_offers_the_labelled_switcher_and_the_role_reaches_the_data(run, demo_store):
    at = run(demo_store, role="analytiker")
    assert SWITCHER in sidebar_text(at)
    assert at.sidebar.selectbox(key="role").value == "analytiker"
    assert at.session_state["app_role"] == "analytiker"


@pytest.mark.parametrize("wanted", ["admin", "analytiker", "est"])
def test_switcher_cannot_be_enabled_on_a_database_with_real_data(run, demo_store, wanted):
    make_real(demo_store)
    at = run(demo_store, role=wanted)  # a stale or forged widget value
    assert SWITCHER not in sidebar_text(at)
    assert not any(s.key == "role" for s in at.sidebar.selectbox)
    assert at.session_state["app_role"] == "publik"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py").run()


def test_a_demo_link_with_a_role_gives_no_role_on_a_real_database(run, demo_store):
    make_real(demo_store)
    at = run(demo_store, query={"roll": "admin"})
    assert at.session_state["app_role"] == "publik"
    assert "roll" not in at.query_params


def test_empty_database_has_no_switcher(run, tmp_path):
    from store import Store

    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    store.migrate()
    at = run(store, role="admin")
    assert SWITCHER not in sidebar_text(at)
    assert at.session_state["app_role"] == "publik"


def test_configured_sign_in_replaces_the_switcher_even_on_demo_data(run, demo_store):
    at = run(demo_store, role="admin", secrets={"auth": AUTH})
    assert SWITCHER not in sidebar_text(at)
    assert [b.label for b in at.sidebar.button] == ["Logga in"]
    assert at.session_state["app_role"] == "publik"


def test_admin_sets_a_role_through_the_form_and_it_is_audited(run, demo_store):
    at = run(demo_store, role="admin", page="pages/admin.py")
    assert [s.value for s in at.subheader][:2] == ["Användare och roller", "Granskningslogg"]
    at.text_input(key="admin_subject").set_value("eva@umea.se")
    at.selectbox(key="admin_role").set_value("est")
    at.button[0].click().run()
    assert not at.exception
    assert role_of_subject(demo_store, "eva@umea.se") == "est"
    log = audit_entries(demo_store, "admin", action="role_change")
    assert log["detail"].iloc[0] == "eva@umea.se: – → est"
    assert log["user_name"].iloc[0] == "demo-admin"


@pytest.mark.parametrize("role", ["publik", "rad", "est", "analytiker"])
def test_admin_page_is_not_registered_for_any_other_role(run, demo_store, role):
    at = run(demo_store, role=role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py").run()
