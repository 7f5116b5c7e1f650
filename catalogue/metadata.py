"""The indicator catalogue: every indicator's metadata as data, validated.

Every indicator family is a YAML file beside the module that computes its inputs
(``indicators/school.meta.yml`` beside ``indicators/school.py``, likewise ``leisure``,
``social``, ``public_space`` and ``demography``; the files stay there so an indicator's two
halves are read together — docs/architecture.md). The YAML holds each indicator's metadata
(docs/architecture.md, "Indicator metadata"): names, kind, unit, direction, role, numerator
and denominator, age band, source, rationale with its reference, caveats and the default map
classes. :func:`load_catalogue` reads and validates all of them; the importer, pages, the PDF
brief and the "Om & metod" page read direction, units, sources and caveats from here, never
retyped. This package sits below ``store``, ``sources`` and ``indicators``: it imports
nothing of theirs.

Adding an indicator
-------------------
1. Add an entry to ``indicators/<family>.meta.yml`` with every field of :class:`Indicator`.
2. If its numerator and denominator are simply the stored measure's ``count`` and
   ``denominator`` (``input: ratio``, the default), that is all. Otherwise declare the input
   in :data:`catalogue.inputs.INPUTS` (the extra measures it reads), write one function in the
   family module decorated with ``@register_input("name")`` (:mod:`indicators.inputs`) and
   set ``input: name`` in the YAML. ``input: population_denominator`` (built in) takes a
   missing denominator from the stored population measure named by ``population_measure``.

No page changes are needed: every page iterates over the catalogue.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import ValidationError as PydanticValidationError

from catalogue.inputs import INPUTS
from common.errors import Problem, UserError

__all__ = [
    "DIRECTION_LABELS",
    "FAMILIES",
    "FAMILY_LABELS",
    "KIND_LABELS",
    "PERIODICITY_LABELS",
    "POPULATION_MEASURES",
    "ROLE_LABELS",
    "SCHEME_LABELS",
    "Indicator",
    "get_indicator",
    "indicators_by_family",
    "known_measures",
    "load_catalogue",
    "measure_value_ranges",
]

ROOT = Path(__file__).resolve().parent.parent
#: Where the ``<family>.meta.yml`` files live (beside the family modules).
INDICATORS_DIR = ROOT / "indicators"

Family = Literal["school", "leisure", "social", "public_space", "demography"]
Kind = Literal["proportion", "rate", "mean", "count"]
Direction = Literal["higher_is_worse", "higher_is_better", "none"]
#: ``context``: demographic or socio-economic background (e.g. birth region, income) shown
#: beside the factors, never as a risk or protective factor, never in an index, never in the
#: risk hue on a map; its direction is ``none`` (verdicts say higher/lower, not worse/better).
Role = Literal["risk", "protective", "context"]
Periodicity = Literal["year", "term", "month"]
Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]

#: Families in display order; each is ``indicators/<family>.py`` + ``<family>.meta.yml``.
FAMILIES: tuple[str, ...] = get_args(Family)

FAMILY_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "school": {"sv": "Skola", "en": "School"},
        "leisure": {"sv": "Fritid", "en": "Leisure"},
        "social": {"sv": "Socialtjänst", "en": "Social services"},
        "public_space": {"sv": "Offentlig miljö och brott", "en": "Public space and crime"},
        "demography": {"sv": "Befolkning och socioekonomi", "en": "Demography and socio-economy"},
    }
)
KIND_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "proportion": {"sv": "Andel", "en": "Proportion"},
        "rate": {"sv": "Kvot per befolkning", "en": "Rate per population"},
        "mean": {"sv": "Medelvärde", "en": "Mean"},
        "count": {"sv": "Antal", "en": "Count"},
    }
)
DIRECTION_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "higher_is_worse": {"sv": "Högre värde är sämre", "en": "Higher is worse"},
        "higher_is_better": {"sv": "Högre värde är bättre", "en": "Higher is better"},
        "none": {"sv": "Varken bättre eller sämre", "en": "Neither better nor worse"},
    }
)
ROLE_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "risk": {"sv": "Riskfaktor", "en": "Risk factor"},
        "protective": {"sv": "Skyddsfaktor", "en": "Protective factor"},
        "context": {"sv": "Bakgrund (ingen riskfaktor)", "en": "Context (not a risk factor)"},
    }
)
PERIODICITY_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "year": {"sv": "År", "en": "Year"},
        "term": {"sv": "Termin", "en": "Term"},
        "month": {"sv": "Månad", "en": "Month"},
    }
)
SCHEME_LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "quantiles": {"sv": "Kvantiler", "en": "Quantiles"},
        "natural_breaks": {"sv": "Naturliga brytpunkter", "en": "Natural breaks"},
        "equal_interval": {"sv": "Lika intervall", "en": "Equal interval"},
    }
)

#: Stored population measures (SCB, year-end population per area) usable as denominators.
#: The importer accepts these ids as known measures. Narrow bands (13–19, 15–20, …) need
#: one-year age classes; SCB's DeSO table has five-year bands only (docs/data.md).
POPULATION_MEASURES: Mapping[str, str] = MappingProxyType(
    {
        "pop_total": "Folkmängd, totalt",
        "pop_0_17": "Folkmängd 0–17 år",
        "pop_6_15": "Folkmängd 6–15 år",
        "pop_7_25": "Folkmängd 7–25 år",
        "pop_13_19": "Folkmängd 13–19 år",
        "pop_15_20": "Folkmängd 15–20 år",
        "pop_16_24": "Folkmängd 16–24 år",
        "pop_18_24": "Folkmängd 18–24 år",
    }
)

#: Multipliers allowed per kind: proportions are shown in %, rates per 1 000 (or 10 000,
#: 100 000 for rare events), means and counts as they are.
MULTIPLIERS: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "proportion": (100,),
        "rate": (1000, 10_000, 100_000),
        "mean": (1,),
        "count": (1,),
    }
)
_ROLE_DIRECTION = {"risk": "higher_is_worse", "protective": "higher_is_better", "context": "none"}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=100)]


class _FieldError(ValueError):
    """A cross-field rule broken; carries the field to name in the message."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field_name = field_name
        super().__init__(message)


class Indicator(BaseModel):
    """One indicator's metadata, as written in ``<family>.meta.yml``.

    Every field is required except ``min_denominator``, ``input`` (default ``"ratio"``),
    ``population_measure``, ``valid_range`` (required for means), the period roll-up rules
    ``numerator_rollup``/``denominator_rollup`` (default "sum"), ``pool_years`` (default 1)
    and ``sum_squares_measure`` (means only). ``role`` and
    ``direction`` must agree (risk ↔ higher_is_worse), and ``multiplier`` must fit
    ``kind`` (see :data:`MULTIPLIERS`).

    Examples
    --------
    >>> ind = get_indicator("orosanmalningar")
    >>> ind.kind, ind.multiplier, ind.role, ind.text("name", "en")
    ('rate', 1000, 'risk', 'Child-welfare reports')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Identifier
    name_sv: Text
    name_en: Text
    family: Family
    kind: Kind
    multiplier: int
    unit_sv: Text
    unit_en: Text
    direction: Direction
    role: Role
    numerator_sv: Text
    numerator_en: Text
    denominator_sv: Text
    denominator_en: Text
    age_band: Text
    source: Text
    update_frequency: Text
    periodicity: Periodicity
    rationale_sv: Text
    rationale_en: Text
    reference: Text
    caveats_sv: Text
    caveats_en: Text
    default_scheme: Scheme
    min_denominator: int | None = Field(default=None, ge=1)
    input: Identifier = "ratio"
    population_measure: Identifier | None = None
    #: Smallest and largest possible value in display units (meritvärde: 0–340). Required
    #: for means; proportions are 0–100 % and rates and counts ≥ 0 without it. Enforced at
    #: import (sources/validate.py) and by the demo generator.
    valid_range: tuple[float, float] | None = None
    #: How the terms or months of a year combine into the year (docs/methods.md, "Period
    #: roll-up"): events are summed; head counts (pupils, residents) are averaged, never
    #: summed, or the same pupil is counted once per term. "none": no year value.
    numerator_rollup: Literal["sum", "mean", "none"] = "sum"
    denominator_rollup: Literal["sum", "mean", "max"] = "sum"
    #: Years pooled for a rare event (1: none; 3 shows e.g. "2022–2024").
    pool_years: int = Field(default=1, ge=1, le=5)
    #: Stored measure holding the sum of squared scores (means only), for a real spread;
    #: without it a mean gets no interval and no verdict (no assumed spread).
    sum_squares_measure: Identifier | None = None

    @model_validator(mode="after")
    def _fields_agree(self) -> Indicator:
        expected = _ROLE_DIRECTION[self.role]
        if self.direction != expected:
            raise _FieldError(
                "direction",
                f"'{self.direction}' passar inte role '{self.role}' (ska vara '{expected}')",
            )
        allowed = MULTIPLIERS[self.kind]
        if self.multiplier not in allowed:
            raise _FieldError(
                "multiplier",
                f"{self.multiplier} passar inte kind '{self.kind}' "
                f"(tillåtet: {', '.join(str(m) for m in allowed)})",
            )
        if self.sum_squares_measure is not None and self.kind != "mean":
            raise _FieldError("sum_squares_measure", f"gäller bara kind 'mean', inte '{self.kind}'")
        if self.kind == "mean" and self.valid_range is None:
            raise _FieldError("valid_range", "krävs för medelvärden (lägsta och högsta värde)")
        if self.valid_range is not None and not self.valid_range[0] < self.valid_range[1]:
            raise _FieldError("valid_range", "lägsta värdet måste vara mindre än det högsta")
        population = self.population_measure
        if population is not None and population not in POPULATION_MEASURES:
            raise _FieldError(
                "population_measure",
                f"okänt befolkningsmått '{self.population_measure}' "
                f"(kända: {', '.join(POPULATION_MEASURES)})",
            )
        return self

    def value_range(self) -> tuple[float, float]:
        """The possible values in display units: ``valid_range`` or the kind's natural range.

        Examples
        --------
        >>> get_indicator("meritvarde_ak9").value_range(), get_indicator("unga_uvas").value_range()
        ((0.0, 340.0), (0.0, 100.0))
        """
        if self.valid_range is not None:
            return (float(self.valid_range[0]), float(self.valid_range[1]))
        return (0.0, 100.0) if self.kind == "proportion" else (0.0, float("inf"))

    def text(self, name: str, lang: str = "sv") -> str:
        """The Swedish or English variant of a bilingual field (``name``, ``unit``, …)."""
        return getattr(self, f"{name}_{'en' if lang == 'en' else 'sv'}")


# --- loading and validation -------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": "fältet saknas",
    "extra_forbidden": "okänt fält",
    "string_type": "måste vara text",
    "string_too_short": "får inte vara tomt",
    "string_too_long": "är för långt",
    "string_pattern_mismatch": (
        "ogiltigt format (små bokstäver a–z, siffror och _, börjar med bokstav)"
    ),
    "int_type": "måste vara ett heltal",
    "int_parsing": "måste vara ett heltal",
    "int_from_float": "måste vara ett heltal",
    "model_type": "posten måste vara en nyckel–värde-lista",
}


def _problem_text(error: Mapping[str, Any]) -> tuple[str | None, str]:
    """(field, Swedish message) for one pydantic error."""
    kind = error["type"]
    field_name = str(error["loc"][0]) if error["loc"] else None
    context = error.get("ctx") or {}
    if kind == "value_error" and isinstance(context.get("error"), _FieldError):
        return context["error"].field_name, str(context["error"])
    if kind == "literal_error":
        allowed = context.get("expected")
        return field_name, f"ogiltigt värde {error['input']!r}; tillåtna: {allowed}"
    if kind == "greater_than_equal":
        return field_name, f"måste vara minst {context.get('ge')}"
    if kind == "greater_than":
        return field_name, f"måste vara större än {context.get('gt')}"
    if kind in ("float_type", "float_parsing"):
        return field_name, "måste vara ett tal"
    return field_name, _PYDANTIC_MESSAGES.get(kind, error["msg"])


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _raise_problems(problems: list[Problem], *, file: str) -> None:
    first = problems[0]
    more = f" (och {len(problems) - 1} fel till)" if len(problems) > 1 else ""
    raise UserError(
        f"Ogiltig indikatormetadata: {first.message}{more}",
        file=file,
        row=first.row,
        message_en=f"Invalid indicator metadata in {file}: {first.message}",
        problems=problems,
    )


#: libyaml's safe loader when PyYAML has it (about 15× faster on the catalogue; same documents
#: and marks), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _entry_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """Line of each entry under ``indicators:`` and of each of its keys (1-based)."""
    root = yaml.compose(text, Loader=_LOADER)
    lines: list[tuple[int, dict[str, int]]] = []
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if key.value == "indicators" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                keys = {}
                if isinstance(item, yaml.MappingNode):
                    keys = {k.value: k.start_mark.line + 1 for k, _ in item.value}
                lines.append((item.start_mark.line + 1, keys))
    return lines


def _read_file(path: Path) -> list[Indicator]:
    file = _display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
        lines = _entry_lines(text)
    except OSError as exc:
        raise UserError(f"Kan inte läsa indikatormetadata: {exc.strerror}", file=file) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(
            f"Ogiltig YAML: {problem}",
            file=file,
            row=row,
            message_en=f"Invalid YAML in {file}: {problem}",
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("indicators"), list):
        raise UserError(
            "Filen ska ha en lista under nyckeln 'indicators:'.",
            file=file,
            message_en=f"{file} must have a list under 'indicators:'.",
        )
    extra = sorted(set(document) - {"indicators"})
    if extra:
        raise UserError(
            f"Okända nycklar på översta nivån: {', '.join(map(str, extra))}",
            file=file,
            message_en=f"Unknown top-level keys in {file}.",
        )

    problems: list[Problem] = []
    indicators: list[Indicator] = []
    family_of_file = path.name.removesuffix(".meta.yml")
    for index, entry in enumerate(document["indicators"]):
        line, key_lines = lines[index] if index < len(lines) else (None, {})
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        label = f"indikator '{entry_id}'" if isinstance(entry_id, str) else f"post nr {index + 1}"
        try:
            indicator = Indicator.model_validate(entry)
        except PydanticValidationError as exc:
            for error in exc.errors():
                field_name, message = _problem_text(error)
                where = f", fält '{field_name}'" if field_name else ""
                problems.append(
                    Problem(
                        f"{label}{where}: {message}",
                        file=file,
                        row=key_lines.get(field_name, line),
                        column=field_name,
                    )
                )
            continue
        if family_of_file in FAMILIES and indicator.family != family_of_file:
            problems.append(
                Problem(
                    f"{label}, fält 'family': '{indicator.family}' hör inte hemma i "
                    f"{family_of_file}.meta.yml",
                    file=file,
                    row=key_lines.get("family", line),
                    column="family",
                )
            )
            continue
        indicators.append(indicator)
    if problems:
        _raise_problems(problems, file=file)
    return indicators


def _check_inputs(indicator: Indicator, *, file: str) -> Problem | None:
    registered = INPUTS.get(indicator.input)
    label = f"indikator '{indicator.id}'"
    if registered is None:
        return Problem(
            f"{label}, fält 'input': okänd inmatningsfunktion '{indicator.input}' "
            f"(registrerade: {', '.join(sorted(INPUTS))})",
            file=file,
            column="input",
        )
    if registered.requires_population and indicator.population_measure is None:
        return Problem(
            f"{label}, fält 'population_measure': krävs av input '{indicator.input}'",
            file=file,
            column="population_measure",
        )
    return None


def _load(paths: tuple[Path, ...]) -> dict[str, Indicator]:
    catalogue: dict[str, Indicator] = {}
    seen_in: dict[str, str] = {}
    for path in paths:
        file = _display_path(path)
        problems = []
        for indicator in _read_file(path):
            if indicator.id in catalogue:
                first = seen_in[indicator.id]
                problems.append(
                    Problem(
                        f"indikator '{indicator.id}', fält 'id': finns redan i {first}",
                        file=file,
                        column="id",
                    )
                )
                continue
            problem = _check_inputs(indicator, file=file)
            if problem is not None:
                problems.append(problem)
                continue
            catalogue[indicator.id] = indicator
            seen_in[indicator.id] = file
        if problems:
            _raise_problems(problems, file=file)
    return catalogue


def _default_paths() -> tuple[Path, ...]:
    order = {family: i for i, family in enumerate(FAMILIES)}
    found = sorted(
        INDICATORS_DIR.glob("*.meta.yml"),
        key=lambda p: (order.get(p.name.removesuffix(".meta.yml"), len(order)), p.name),
    )
    return tuple(found)


@functools.cache
def _load_default() -> dict[str, Indicator]:
    return _load(_default_paths())


def load_catalogue(*, paths: Iterable[str | Path] | None = None) -> dict[str, Indicator]:
    """All indicators by id, in family order, validated.

    Reads every ``indicators/*.meta.yml`` (cached), or the given ``paths`` (not cached;
    for tests and tools). Raises :class:`~common.errors.UserError` naming the file, the
    line, the entry id and the field for invalid metadata, a duplicate id or an unknown
    ``input`` function.

    Examples
    --------
    >>> catalogue = load_catalogue()
    >>> len(catalogue) >= 22, catalogue["meritvarde_ak9"].unit_sv
    (True, 'meritpoäng')
    """
    if paths is None:
        return dict(_load_default())
    return _load(tuple(Path(p) for p in paths))


def get_indicator(
    indicator_id: str, *, catalogue: Mapping[str, Indicator] | None = None
) -> Indicator:
    """One indicator by id; :class:`UserError` if unknown.

    Examples
    --------
    >>> get_indicator("personran").direction
    'higher_is_worse'
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    try:
        return catalogue[indicator_id]
    except KeyError:
        raise UserError(
            f"Okänd indikator '{indicator_id}'.", message_en=f"Unknown indicator '{indicator_id}'."
        ) from None


def indicators_by_family(
    *, catalogue: Mapping[str, Indicator] | None = None
) -> dict[str, list[Indicator]]:
    """Indicators grouped by family, families in :data:`FAMILIES` order (all present).

    Examples
    --------
    >>> [ind.id for ind in indicators_by_family()["social"]]
    ['orosanmalningar', 'ekonomiskt_bistand_barnhushall']
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    grouped: dict[str, list[Indicator]] = {family: [] for family in FAMILIES}
    for indicator in catalogue.values():
        grouped[indicator.family].append(indicator)
    return grouped


def known_measures() -> dict[str, str]:
    """Every measure id the store may hold, with its Swedish name.

    Indicator ids, :data:`POPULATION_MEASURES` and the extra measures read by the declared
    inputs (:data:`catalogue.inputs.INPUTS`, e.g. ``behoriga_yrkesprogram``). The importer
    accepts these ids.

    Examples
    --------
    >>> measures = known_measures()
    >>> measures["pop_total"], "behoriga_yrkesprogram" in measures
    ('Folkmängd, totalt', True)
    """
    measures = {ind.id: ind.name_sv for ind in load_catalogue().values()}
    for ind in load_catalogue().values():
        if ind.sum_squares_measure:
            measures[ind.sum_squares_measure] = f"{ind.name_sv}, kvadratsumma"
    measures.update(POPULATION_MEASURES)
    for spec in INPUTS.values():
        measures.update(spec.reads)
    return measures


def measure_value_ranges() -> dict[str, tuple[str, int, float, float]]:
    """Stored measure id → (kind, multiplier, lowest, highest) for range checks at import.

    Only indicators read straight from their own measure (``input: ratio`` or
    ``population_denominator``) are listed: their stored ``value``, or ``count/denominator``
    in display units, must lie in :meth:`Indicator.value_range`.

    Examples
    --------
    >>> measure_value_ranges()["meritvarde_ak9"]
    ('mean', 1, 0.0, 340.0)
    """
    out = {}
    for ind in load_catalogue().values():
        if ind.input in ("ratio", "population_denominator") and ind.kind != "count":
            low, high = ind.value_range()
            out[ind.id] = (ind.kind, ind.multiplier, low, high)
    return out
