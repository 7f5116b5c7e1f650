"""Deferred downloads (issue 17): a rerun builds no file; fetching one checks the role's
``export`` capability and writes one audit row, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from access import PermissionDenied
from access.reads import audit_entries
from ui.downloads import deferred_export


def _exports(store) -> list[str]:
    return audit_entries(store, "admin", action="export")["detail"].tolist()


def test_nothing_is_built_or_audited_until_the_file_is_fetched(any_store):
    built = []

    def build() -> bytes:
        built.append(1)
        return b"omr;varde\n"

    make = deferred_export(build, db=any_store, role="analytiker", user="anna", what="x.csv")
    assert built == [] and _exports(any_store) == []
    assert make() == b"omr;varde\n"
    assert built == [1]
    assert _exports(any_store) == ["x.csv (roll analytiker)"]
    make()  # every fetch is an export of its own
    assert _exports(any_store) == ["x.csv (roll analytiker)"] * 2


def test_a_role_without_export_gets_no_bytes_and_the_builder_never_runs(any_store):
    built = []
    make = deferred_export(
        lambda: built.append(1) or b"secret", db=any_store, role="okänd", user="x", what="y.csv"
    )
    with pytest.raises(PermissionDenied):
        make()
    assert built == [] and _exports(any_store) == []


def test_a_failing_build_leaves_no_audit_row(any_store):
    def build() -> bytes:
        raise ValueError("trasig")

    make = deferred_export(build, db=any_store, role="publik", user="anonym", what="z.xlsx")
    with pytest.raises(ValueError):
        make()
    assert _exports(any_store) == []
