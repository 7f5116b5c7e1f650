"""Layering: only dashboard.py, pages/ and ui/ import streamlit; lower layers never import them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["indicators", "geo", "catalogue", "store", "sources", "common", "reports", "access"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_only_dashboard_pages_and_ui_import_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for pkg in PACKAGES
        for p in source_files(pkg)
        if "streamlit" in imported_modules(p)
    ]
    assert offenders == []


def test_lower_layers_never_import_pages_or_tests():
    offenders = [
        str(p.relative_to(ROOT))
        for pkg in PACKAGES
        for p in source_files(pkg)
        if imported_modules(p) & {"pages", "ui", "dashboard", "tests"}
    ]
    assert offenders == []


def test_store_and_geo_do_not_import_indicators_or_sources():
    offenders = [
        str(p.relative_to(ROOT))
        for pkg in ("store", "geo")
        for p in source_files(pkg)
        if p.name != "__main__.py" and imported_modules(p) & {"indicators", "sources", "reports"}
    ]
    assert offenders == []


def test_the_packages_exist():
    for pkg in ["indicators", "geo", "store", "sources", "pages", "ui"]:
        assert (ROOT / pkg).is_dir() and source_files(pkg), pkg


def test_pages_holds_pages_only():
    """Every module in pages/ is a page dashboard.py navigates to; helpers live in ui/."""
    entry = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    helpers = [
        p.name
        for p in source_files("pages")
        if p.name != "__init__.py" and f'"pages/{p.name}"' not in entry
    ]
    assert helpers == []


APP_PACKAGES = [*PACKAGES, "pages", "ui", "benchmarks"]
FIRST_PARTY = {*APP_PACKAGES, "dashboard"}


def function_local_first_party_imports(path: Path) -> list[str]:
    """Imports of our own packages inside a function body, unless the line before says why
    (a comment with ``keep-local:`` and the measured reason)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                names = [a.name.split(".")[0] for a in inner.names]
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                names = [inner.module.split(".")[0]]
            else:
                continue
            if set(names) & FIRST_PARTY and "keep-local:" not in lines[inner.lineno - 2]:
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    return found


def test_first_party_imports_sit_at_module_top():
    """The road of the code is readable from the top of each module (issue #12)."""
    files = [p for pkg in APP_PACKAGES for p in source_files(pkg)] + [ROOT / "dashboard.py"]
    offenders = [hit for p in files for hit in function_local_first_party_imports(p)]
    assert offenders == []
