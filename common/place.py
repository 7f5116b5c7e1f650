"""The place the app runs for: one YAML file per municipality (``data/place/<name>.yml``).

``PLACE=skelleftea make run`` switches; the default is ``umea``. A place file holds what used to
be Umeå literals in code: the SCB municipality code and names, the programme's name, the focus
districts, the area files (hierarchy, RegSO/DeSO → district key, boundary file if any), the
school → district key, the demo calibration and the EST vocabularies. See docs/place.md.

Paths in a place file are relative to the repository root. ``boundaries: null`` means the
municipality has no boundary file yet: the app then runs in table-and-chart mode and the map
says which file to add.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from common.errors import UserError
from common.settings import DATA_DIR, DEFAULT_PLACE, ROOT

PLACE_DIR = DATA_DIR / "place"
#: libyaml's safe loader when PyYAML has it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Place:
    """One municipality's configuration (see the module docstring).

    Examples
    --------
    >>> p = load_place("umea")
    >>> p.code, p.name, p.has_boundaries
    ('2480', 'Umeå', True)
    """

    key: str
    code: str
    name: str
    name_municipality: str
    name_municipality_en: str
    programme: str
    programme_en: str
    council: str
    focus_districts: tuple[str, ...]
    areas_file: Path
    regso_names_file: Path | None
    deso_district_file: Path | None
    boundaries_file: Path | None
    boundary_hint: str
    school_key_file: Path
    demo_population: int
    demo_n_deso: int
    aliases: tuple[str, ...] = ()
    est: dict = field(default_factory=dict)
    demo_interventions: tuple[dict, ...] = ()

    @property
    def has_boundaries(self) -> bool:
        """True when a boundary file is configured and present (else table-and-chart mode)."""
        return self.boundaries_file is not None and self.boundaries_file.exists()


def _path(value, *, file: str, key: str) -> Path | None:
    if value in (None, ""):
        return None
    path = ROOT / str(value)
    if not path.resolve().is_relative_to(ROOT.resolve()):
        raise UserError(f"Sökvägen {value!r} ligger utanför programmet.", file=file, column=key)
    return path


def place_file(key: str) -> Path:
    """The YAML file of a place key (``umea`` → ``data/place/umea.yml``)."""
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", key):
        raise UserError(
            f"Ogiltigt platsnamn {key!r} (små bokstäver a–z, siffror, - och _).",
            message_en=f"Invalid place name {key!r}.",
        )
    return PLACE_DIR / f"{key}.yml"


def load_place(key: str | None = None) -> Place:
    """Read and check a place file; ``key`` defaults to ``$PLACE`` or ``umea``.

    Examples
    --------
    >>> load_place("skelleftea").has_boundaries
    False
    """
    return _load((key or os.environ.get("PLACE") or DEFAULT_PLACE).strip().casefold())


@lru_cache(maxsize=8)
def _load(key: str) -> Place:
    path = place_file(key)
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PLACE_DIR.glob("*.yml")))
        raise UserError(
            f"Platsfilen {path.name} finns inte i data/place/ (finns: {known}).",
            message_en=f"No place file {path.name}.",
        )
    file = f"data/place/{path.name}"
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"Platsfilen är inte giltig YAML: {exc}", file=file) from exc
    required = ("code", "name", "name_municipality", "programme", "areas", "school_key", "demo")
    missing = [k for k in required if k not in doc]
    if missing:
        raise UserError(f"Fälten {', '.join(missing)} saknas.", file=file)
    code = str(doc["code"]).strip()
    if not re.fullmatch(r"\d{4}", code):
        raise UserError(
            f"Kommunkoden ska vara fyra siffror, inte {code!r}.", file=file, column="code"
        )
    demo = doc["demo"] or {}
    return Place(
        key=key,
        code=code,
        name=str(doc["name"]),
        name_municipality=str(doc["name_municipality"]),
        name_municipality_en=str(doc.get("name_municipality_en") or doc["name_municipality"]),
        programme=str(doc["programme"]),
        programme_en=str(doc.get("programme_en") or doc["programme"]),
        council=str(doc.get("council") or ""),
        focus_districts=tuple(str(d) for d in doc.get("focus_districts") or ()),
        areas_file=_path(doc["areas"], file=file, key="areas"),
        regso_names_file=_path(doc.get("regso_names"), file=file, key="regso_names"),
        deso_district_file=_path(doc.get("deso_district"), file=file, key="deso_district"),
        boundaries_file=_path(doc.get("boundaries"), file=file, key="boundaries"),
        boundary_hint=str(doc.get("boundary_hint") or ""),
        school_key_file=_path(doc["school_key"], file=file, key="school_key"),
        demo_population=int(demo.get("population", 0)),
        demo_n_deso=int(demo.get("n_deso", 0)),
        aliases=tuple(str(a) for a in doc.get("aliases") or ()),
        est=dict(doc.get("est") or {}),
        demo_interventions=tuple(dict(i) for i in demo.get("interventions") or ()),
    )


def current_place() -> Place:
    """The place of this process (``$PLACE``, default Umeå)."""
    return load_place(None)
