"""Pages read the published table only (issue 17): no page calls the engine or computes the
composite index on a rerun; both are computed once per version by indicators.publish.rebuild."""

import ast
from pathlib import Path

import pytest

import indicators.composite
import indicators.composite_view
import indicators.engine
import indicators.publish

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    None,  # Översikt
    "pages/karta.py",
    "pages/trender.py",
    "pages/omradesprofil.py",
    "pages/jamforelse.py",
    "pages/om_metod.py",
    "pages/est.py",
    "pages/data.py",
    "pages/admin.py",
]
#: Functions that compute published figures: only the rebuild may call them.
COMPUTING = {
    indicators.engine: ("compute", "compute_frame", "gather_inputs"),
    indicators.publish: ("compute_frame", "rebuild", "composites", "district_composites"),
    indicators.composite: ("composite_index", "composite_uncertainty"),
    indicators.composite_view: ("district_composites", "composite_uncertainty"),
}


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []

    def refuse(name):
        def called(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"a page called {name}")

        return called

    for module, names in COMPUTING.items():
        for name in names:
            monkeypatch.setattr(module, name, refuse(f"{module.__name__}.{name}"))
    return calls


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_from_the_published_table(demo_store, run_app, engine_calls, page):
    at = run_app(demo_store, page=page, role="admin")
    assert not at.exception
    at.run()  # a rerun
    if page is None:  # and a widget change (the indicator)
        box = at.sidebar.selectbox(key="ind")
        box.set_value(next(o for o in box.options if o != box.value)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert engine_calls == []


def test_composite_pages_show_the_published_ranks(demo_store, run_app, engine_calls):
    """The pages that show the composite ranks get them from the published layer: with the
    computing functions refused, Områdesprofil still shows both indices' rank labels and
    Karta draws each index layer."""
    at = run_app(demo_store, page="pages/omradesprofil.py", role="admin")
    labels = [str(m.value) for m in at.metric]
    assert sum(label.startswith("rang ") for label in labels) == 2, labels
    at = run_app(demo_store, page="pages/karta.py", role="admin")
    for layer in ("risk", "protective"):
        at.sidebar.radio(key="karta_layer").set_value(layer).run()
        assert not at.exception, [e.value for e in at.exception]
    assert engine_calls == []


def test_no_page_or_ui_helper_imports_a_computing_function():
    """Static half of the promise: pages/ and ui/ never import the engine or the composite
    computation (a call through an alias would escape the patch above)."""
    banned = {
        "indicators.engine",
        "indicators.composite",
        "indicators.composite_view",
        "indicators.rollup",
    }
    found = []
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "dashboard.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in banned:
                found.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Import):
                found += [f"{path.name}: import {a.name}" for a in node.names if a.name in banned]
            elif isinstance(node, ast.ImportFrom) and node.module == "indicators.publish":
                names = {a.name for a in node.names}
                found += [f"{path.name}: {n}" for n in names & set(COMPUTING[indicators.publish])]
    assert found == []
