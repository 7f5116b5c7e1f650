"""Fetching fails with a clear Swedish message when offline (no real network is used)."""

from __future__ import annotations

import pytest

from common.errors import UserError
from sources.download import base_url, fetch_json

UNROUTABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused


def test_an_unreachable_server_is_a_user_error_saying_internet_is_needed():
    with pytest.raises(UserError) as caught:
        fetch_json(f"{UNROUTABLE}/api/events", timeout=5)
    assert "Kunde inte hämta" in str(caught.value) and "internet" in str(caught.value)


def test_only_http_addresses_are_fetched():
    with pytest.raises(UserError, match="http"):
        fetch_json("file:///etc/passwd")


def test_base_url_override_and_environment(monkeypatch):
    monkeypatch.setenv("UVTS_FETCH_BASE_URL", "http://mirror.local/")
    assert base_url("https://polisen.se") == "http://mirror.local"
    assert base_url("https://polisen.se", "http://other/") == "http://other"
    monkeypatch.delenv("UVTS_FETCH_BASE_URL")
    assert base_url("https://polisen.se") == "https://polisen.se"
