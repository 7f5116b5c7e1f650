"""The attacker's tests of issue 15's promise "one place file replaces every Umeå literal in code".

Every string constant in the product's code (docstrings aside: their examples are examples)
is scanned for what belongs to a place: the names, codes and aliases of every place file in
data/place/, the names and codes of its districts and stadsdelar, and the spots of its EST
demo. A hit means a place leaked back into code; it belongs in data/place/<place>.yml. Numbers
that are SWEREF 99 TM northings (a hard-coded position, like the EST demo's spots once were) are
refused too.
"""

from __future__ import annotations

import ast
import re
from functools import cache

import pytest

from common.place import DEFAULT_PLACE, PLACE_DIR, load_place
from common.settings import ROOT
from geo.areas import read_areas

#: The product's code (tests, docs and benchmarks may name real places).
CODE = [
    "common",
    "geo",
    "catalogue",
    "store",
    "sources",
    "indicators",
    "access",
    "reports",
    "ui",
    "pages",
    "dashboard.py",
]
#: Words of a place file that are not a place's own (shared Swedish words).
GENERIC = {"kommunen", "hela kommunen"}
#: The one allowed literal: the default place's key (what `make run` uses without PLACE).
ALLOWED = {("common/settings.py", DEFAULT_PLACE)}


def _places() -> list[str]:
    return sorted(p.stem for p in PLACE_DIR.glob("*.yml"))


@cache
def _word_list() -> tuple[str, ...]:
    words: set[str] = set()
    for key in _places():
        place = load_place(key)
        words |= {key, place.code, place.name, place.name_municipality, place.council}
        words |= set(place.aliases)
        areas = read_areas(path=place.areas_file)
        areas = areas[areas["level"] != "municipality"]
        words |= set(areas["name"]) | set(areas["official_name"]) | set(areas["code"])
        spots = (place.est.get("demo") or {}).get("spots") or ()
        words |= {str(s["name"]) for s in spots}
    words = {w for w in words if isinstance(w, str) and len(w) >= 4 and w.casefold() not in GENERIC}
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _words() -> re.Pattern:
    # One word-bounded, case-insensitive pattern ("umeå kommun" in a vocabulary is caught, the
    # word "centrumförening" is not).
    alternatives = "|".join(re.escape(w) for w in _word_list())
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@cache
def _tokens() -> frozenset[str]:
    return frozenset(t for w in _word_list() for t in _TOKEN.findall(w.casefold()) if len(t) >= 3)


_TOKEN = re.compile(r"\w+")


def _maybe(text: str) -> bool:
    """Cheap pre-check: the text holds a word of some place's name (the regex decides)."""
    return not _tokens().isdisjoint(_TOKEN.findall(text.casefold()))


@cache
def _parse(source: str) -> ast.AST:
    """One parse per file text for both scans."""
    return ast.parse(source)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add(id(first.value))
    return found


def place_literals(source: str, *, file: str) -> list[tuple[int, str, str]]:
    """(line, word, literal) for each string constant outside docstrings naming a place."""
    if not _maybe(source):  # a literal naming a place is in the text too
        return []
    tree = _parse(source)
    skip = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            match = _maybe(node.value) and _words().search(node.value)
            if match and (file, node.value) not in ALLOWED:
                hits.append((node.lineno, match.group(0), node.value[:80]))
    return hits


def _code_files() -> list[str]:
    files = []
    for part in CODE:
        path = ROOT / part
        found = [path] if path.is_file() else sorted(path.rglob("*.py"))
        files += [p.relative_to(ROOT).as_posix() for p in found]
    return files


def test_no_place_literal_in_code():
    hits = [
        f"{file}:{line}: {word!r} in {text!r}"
        for file in _code_files()
        for line, word, text in place_literals((ROOT / file).read_text("utf-8"), file=file)
    ]
    assert len(_code_files()) > 100  # the scan saw the code
    assert hits == [], (
        "place literals in code (move them to data/place/<place>.yml):\n" + "\n".join(hits)
    )


@pytest.mark.parametrize(
    "snippet",
    [
        'LABEL = "Fritid Umeå (demo)"',
        'def f(m="2480"):\n    return m',
        'x = {"d-ersboda": 1}',
        'ALIAS = ("umeå kommun", "kommun")',
        'T = f"Jämfört med {x} och Ålidhem"',
        'NAME = "Skellefteå"',
        'SPOT = "Rådhustorget"',
    ],
)
def test_the_scan_catches_a_planted_literal(snippet):
    assert place_literals(snippet, file="sources/x.py")


def test_the_scan_leaves_docstrings_and_generic_words_alone():
    source = 'def f():\n    """Example: Umeå, 2480, Ersboda."""\n    return "Hela kommunen", "centrumförening"\n'
    assert place_literals(source, file="sources/x.py") == []


#: SWEREF 99 TM northings of Sweden: a number in this range in code is a hard-coded position.
NORTHINGS = (6_100_000, 7_700_000)


def positions(source: str) -> list[tuple[int, float]]:
    """(line, number) of every number in the code that is a SWEREF 99 TM northing."""
    found = []
    for node in ast.walk(_parse(source)):
        value = node.value if isinstance(node, ast.Constant) else None
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and NORTHINGS[0] <= value <= NORTHINGS[1]
        ):
            found.append((node.lineno, value))
    return found


def test_no_hard_coded_position_in_code():
    hits = [
        f"{file}:{line}: {value}"
        for file in _code_files()
        for line, value in positions((ROOT / file).read_text("utf-8"))
    ]
    assert hits == [], "positions belong in data/place/<place>.yml:\n" + "\n".join(hits)


def test_the_position_scan_catches_a_planted_point():
    assert positions("SPOTS = [(761950, 7086850.0)]") == [(1, 7086850.0)]
    assert positions("N = 250\nFLAG = True\nBIG = 10_000_000") == []
