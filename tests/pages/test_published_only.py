"""Pages read the published table only (issue 17): no page calls the engine on a rerun."""

import pytest

import indicators.engine
import indicators.publish

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


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []

    def refuse(name):
        def called(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"a page called indicators.engine.{name}")

        return called

    for name in ("compute", "compute_frame", "gather_inputs"):
        monkeypatch.setattr(indicators.engine, name, refuse(name))
    monkeypatch.setattr(indicators.publish, "compute_frame", refuse("compute_frame"))
    monkeypatch.setattr(indicators.publish, "rebuild", refuse("rebuild"))
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
