"""What the pages build once per (published version, role, choices) (ui.reads.derived, issue 17)
follows a new published version in a running session."""

from __future__ import annotations

from access import reads
from access.reads import batches

IND = "ej_behoriga_gymnasiet"


def _table(at) -> list[list[str]]:
    return at.dataframe[0].value.astype(str).to_numpy().tolist()


def _change_lines(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("- ")]


def test_a_rollback_reaches_a_running_session_on_its_next_rerun(demo_store, run_app):
    at = run_app(demo_store, role="admin", query={"ind": IND})
    before = _table(at)
    again = _table(at.run())
    assert again == before  # the rerun came from the cache: same table
    version = reads.values_version(demo_store)
    public = batches(demo_store, "admin")
    public = public[(public["status"] == "loaded") & ~public["synthetic"].astype(bool)]
    assert not public.empty, "the demo database ships real public statistics beside the demo"
    for batch_id in public["id"]:
        reads.rollback(demo_store, "admin", int(batch_id), user="anna")
    assert reads.values_version(demo_store) != version
    after = _table(at.run())
    assert not at.exception
    assert after != before  # Sweden's row/column came from the rolled-back batch
    # and what the page shows is the new published table, not a stale derived copy
    fresh = run_app(demo_store, role="admin", query={"ind": IND})
    assert _table(fresh) == after
    assert _change_lines(fresh) == _change_lines(at)
