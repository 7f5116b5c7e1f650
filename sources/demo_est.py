"""The synthetic EST demo stream: incidents and activities for two years of weeks.

Deterministic (fixed seed: the same files byte for byte on every run) and entirely made up;
it has the shapes the weekly lägesbild is built to show, not real levels:

* about 115 incidents a week over :data:`N_WEEKS` weeks ending :data:`LAST_WEEK`, with an
  annual cycle (more in late summer and autumn, fewer in late winter);
* evening and weekend peaks (Friday and Saturday evenings most);
* at the place file's spots (``est.demo`` in ``data/place/<place>.yml``; for Umeå mostly the
  town districts, a little in Holmsund, Hörnefors and Sävar), with lasting clusters at the
  spots that have their own type mix, and a cluster that appears at ``est.demo.emerging`` in
  the last three weeks (so weeks 46–48 of 2025 show "fler än vanligt" there and a hotspot);
* activities: weekend patrols and night walks, field-worker walks, fritidsgård evenings and
  holiday activities; held ("genomförd") up to the last week, planned for the two after.

Positions are SWEREF 99 TM points inside the municipality; they are written to the CSV files
only (as a partner's export would be) and snapped to 250 m cells on import through
:mod:`sources.est`, like real files, with every row marked synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from common.errors import UserError
from common.fmt import iso_week
from common.place import Place, current_place
from geo.boundaries import municipality_polygon
from sources.est import import_est_file

SEED = 20251130
#: Last week of the stream and its length (two years of weeks).
LAST_WEEK = "2025-W48"
N_WEEKS = 104
#: Weeks of planned activities after the last week.
PLANNED_WEEKS = 2
SOURCE = "demo"
INCIDENT_FILE = "demo_est_handelser.csv"
ACTIVITY_FILE = "demo_est_aktiviteter.csv"
MEAN_PER_WEEK = 115.0
#: The emerging cluster (``est.demo.emerging``): extra incidents in each of the last three weeks.
EMERGING_COUNTS = (12, 30, 18)

INCIDENT_TYPES = (
    "skadegörelse",
    "klotter",
    "narkotika",
    "personrån",
    "hot",
    "ordningsstörning",
    "brand",
    "samling av unga",
    "stöld",
    "inbrott",
    "annat",
)
_BACKGROUND_TYPES = (0.22, 0.20, 0.07, 0.03, 0.07, 0.14, 0.05, 0.08, 0.08, 0.04, 0.02)
PARTNERS = ("polis", "fastighetsbolag", "Gator och parker", "fältare", "handel")
_DEFAULT_PARTNERS = (0.35, 0.25, 0.15, 0.15, 0.10)
_TYPE_PARTNERS = {
    "klotter": (0.05, 0.35, 0.50, 0.05, 0.05),
    "skadegörelse": (0.15, 0.40, 0.30, 0.05, 0.10),
    "narkotika": (0.80, 0.02, 0.00, 0.13, 0.05),
    "personrån": (0.85, 0.00, 0.00, 0.10, 0.05),
    "hot": (0.70, 0.05, 0.00, 0.15, 0.10),
    "samling av unga": (0.25, 0.05, 0.00, 0.55, 0.15),
    "stöld": (0.30, 0.00, 0.00, 0.00, 0.70),
    "inbrott": (0.60, 0.35, 0.00, 0.00, 0.05),
}
# Monday first; Friday and Saturday peak.
_WEEKDAY_SHARE = (0.11, 0.11, 0.12, 0.13, 0.18, 0.21, 0.14)
# Hour of day 0..23: quiet mornings, evening peak.
_HOUR_WEIGHT = (
    2.0,
    1.5,
    0.8,
    0.4,
    0.3,
    0.3,
    0.4,
    0.6,
    0.8,
    0.9,
    1.0,
    1.1,
    1.2,
    1.3,
    1.5,
    1.9,
    2.3,
    2.8,
    3.4,
    4.0,
    4.4,
    4.6,
    4.2,
    3.0,
)
_DESCRIPTIONS = {
    "klotter": "tag på elskåp",
    "skadegörelse": "krossad ruta i busskur",
    "brand": "brand i papperskorg",
    "samling av unga": "grupp vid entrén",
    "ordningsstörning": "hög musik och bråk utomhus",
}


def _monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def demo_weeks() -> list[str]:
    """The :data:`N_WEEKS` ISO weeks of the stream, oldest first, ending :data:`LAST_WEEK`.

    Examples
    --------
    >>> weeks = demo_weeks()
    >>> weeks[0], weeks[-1], len(weeks)
    ('2023-W49', '2025-W48', 104)
    """
    last = _monday(LAST_WEEK)
    return [iso_week(last - timedelta(weeks=k)) for k in range(N_WEEKS - 1, -1, -1)]


def _inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:

    polygon = municipality_polygon().geometry.iloc[0]
    shapely.prepare(polygon)
    return shapely.contains_xy(polygon, x, y)


def generate_incidents(*, seed: int = SEED, place: Place | None = None) -> pd.DataFrame:
    """The synthetic incident stream as a partner export: one row per incident with a point.

    Returns
    -------
    pandas.DataFrame
        ``tidpunkt`` (text, local time), ``typ``, ``partner``, ``x``, ``y`` (SWEREF 99 TM, one
        decimal), ``crs`` (3006) and ``beskrivning`` (harmless text on some rows; it is dropped
        on import).

    Examples
    --------
    >>> inc = generate_incidents()
    >>> 10_000 < len(inc) < 15_000, inc["tidpunkt"].max() < "2025-12-01"
    (True, True)
    """
    plan = demo_plan(place)
    rng = np.random.default_rng(seed)
    weeks = demo_weeks()
    mondays = np.array([np.datetime64(_monday(w)) for w in weeks])
    week_of_year = np.array([int(w.split("-W")[1]) for w in weeks])
    # Annual cycle peaking in early September (week 36), lowest in early March.
    level = MEAN_PER_WEEK * (1 + 0.25 * np.cos(2 * np.pi * (week_of_year - 36) / 52))
    level *= np.linspace(0.95, 1.05, len(weeks))  # a slight upward drift
    counts = rng.poisson(level)
    week_index = np.repeat(np.arange(len(weeks)), counts)
    n = week_index.size

    spots = plan.spots
    names = [p[0] for p in spots]
    shares = np.array([p[4] for p in spots])
    place = rng.choice(len(spots), size=n, p=shares / shares.sum())
    # The emerging cluster: extra incidents at one spot in the last weeks.
    extra_weeks = np.repeat(
        np.arange(len(weeks) - len(EMERGING_COUNTS), len(weeks)), EMERGING_COUNTS
    )
    week_index = np.concatenate([week_index, extra_weeks])
    place = np.concatenate([place, np.full(extra_weeks.size, names.index(plan.emerging))])
    n = week_index.size

    centre = np.array([[p[1], p[2]] for p in spots])[place]
    spread = np.array([p[3] for p in spots])[place]
    xy = centre + rng.normal(size=(n, 2)) * spread[:, None]
    outside = ~_inside(xy[:, 0], xy[:, 1])
    xy[outside] = centre[outside]  # the few points beyond the coast or border go to the centre

    weekday = rng.choice(7, size=n, p=np.array(_WEEKDAY_SHARE) / sum(_WEEKDAY_SHARE))
    hour_p = np.array(_HOUR_WEIGHT) / sum(_HOUR_WEIGHT)
    hour = rng.choice(24, size=n, p=hour_p)
    minute = rng.integers(0, 60, size=n)
    times = (
        mondays[week_index].astype("datetime64[m]")
        + weekday * np.timedelta64(1, "D")
        + hour * np.timedelta64(1, "h")
        + minute * np.timedelta64(1, "m")
    )

    types = np.empty(n, dtype=object)
    for i, name in enumerate(names):
        rows = np.flatnonzero(place == i)
        mix = np.array(plan.type_mix.get(name, _BACKGROUND_TYPES))
        types[rows] = np.array(INCIDENT_TYPES, dtype=object)[
            rng.choice(len(INCIDENT_TYPES), size=rows.size, p=mix / mix.sum())
        ]
    partners = np.empty(n, dtype=object)
    for kind in INCIDENT_TYPES:
        rows = np.flatnonzero(types == kind)
        mix = np.array(_TYPE_PARTNERS.get(kind, _DEFAULT_PARTNERS))
        partners[rows] = np.array(PARTNERS, dtype=object)[
            rng.choice(len(PARTNERS), size=rows.size, p=mix / mix.sum())
        ]
    described = rng.random(n) < 0.15
    descriptions = np.array(
        [_DESCRIPTIONS.get(t, "") if d else "" for t, d in zip(types, described, strict=True)],
        dtype=object,
    )

    frame = pd.DataFrame(
        {
            "tidpunkt": pd.Series(times).dt.strftime("%Y-%m-%d %H:%M"),
            "typ": types,
            "partner": partners,
            "x": np.round(xy[:, 0], 1),
            "y": np.round(xy[:, 1], 1),
            "crs": 3006,
            "beskrivning": descriptions,
        }
    )
    return frame.sort_values("tidpunkt", kind="stable", ignore_index=True)


# (kind, organiser, weekdays (0 = Monday), start hour, hours, the place file's list of spots
# (est.demo), spots per evening).
_ACTIVITY_PLAN: list[tuple[str, str, tuple[int, ...], int, int, str, int]] = [
    ("patrull", "polis", (4, 5), 20, 4, "patrols", 2),
    ("nattvandring", "nattvandrare", (4, 5), 21, 4, "night_walks", 2),
    ("fältvandring", "fältare", (1, 3), 18, 4, "field_walks", 1),
    ("fritidsgårdskväll", "fritid", (0, 2), 18, 3, "youth_centres", 3),
]
#: Patrols are placed at a point (snapped to a cell on import); the rest by district.
_POINT_KINDS = {"patrull"}
#: ISO weeks with school holidays (illustrative): sportlov, påsklov, sommarlov, höstlov, jullov.
_HOLIDAY_WEEKS = {9, 15, 26, 27, 28, 29, 30, 31, 32, 44, 52, 1}
_SPOT_LISTS = ("patrols", "night_walks", "field_walks", "youth_centres", "holiday_activities")


@dataclass(frozen=True)
class DemoPlan:
    """Where the place's synthetic EST stream happens (``est.demo`` in the place file).

    ``spots`` are ``(name, x, y, spread, share)`` in SWEREF 99 TM; ``type_mix`` the incident
    type shares of spots whose mix differs from the background; ``district_of`` the district
    name of spots used for activities by district; ``emerging`` the spot of the late cluster;
    ``lists`` the spots of each activity (:data:`_SPOT_LISTS`).
    """

    spots: tuple[tuple[str, float, float, float, float], ...]
    type_mix: dict[str, tuple[float, ...]]
    district_of: dict[str, str]
    emerging: str
    lists: dict[str, tuple[str, ...]]


def _number(value) -> float:
    """A coordinate as written (an integer stays one, so the demo files keep their bytes)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else float(value)


def has_est_demo(place: Place | None = None) -> bool:
    """True when the place file describes an EST demo stream (``est.demo``).

    Examples
    --------
    >>> from common.place import load_place
    >>> has_est_demo(load_place("skelleftea"))
    False
    """
    return bool((place or current_place()).est.get("demo"))


def demo_plan(place: Place | None = None) -> DemoPlan:
    """The place's EST demo plan, checked; a Swedish message naming the place file if not.

    Examples
    --------
    >>> from common.place import load_place
    >>> plan = demo_plan(load_place("umea"))
    >>> plan.emerging in [s[0] for s in plan.spots], sum(s[4] for s in plan.spots) > 0
    (True, True)
    """
    place = place or current_place()
    file = f"data/place/{place.key}.yml"
    raw = place.est.get("demo")
    if not raw:
        raise UserError(
            "Platsfilen beskriver ingen EST-demo (est.demo saknas).",
            file=file,
            column="est.demo",
            message_en="The place file has no EST demo (est.demo).",
        )
    try:
        spots = tuple(
            (
                str(s["name"]),
                _number(s["x"]),
                _number(s["y"]),
                float(s["spread"]),
                float(s["share"]),
            )
            for s in raw["spots"]
        )
        type_mix = {
            str(s["name"]): tuple(float(s["types"].get(k, 0.0)) for k in INCIDENT_TYPES)
            for s in raw["spots"]
            if s.get("types")
        }
        district_of = {
            str(s["name"]): str(s["district"]) for s in raw["spots"] if s.get("district")
        }
        lists = {key: tuple(str(n) for n in raw.get(key) or ()) for key in _SPOT_LISTS}
        emerging = str(raw["emerging"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(
            f"EST-demon i platsfilen är ofullständig ({exc!r}); fälten beskrivs i docs/place.md.",
            file=file,
            column="est.demo",
        ) from exc
    names = {s[0] for s in spots}
    unknown = sorted(
        ({emerging} | {n for v in lists.values() for n in v}) - names
        | {n for s in raw["spots"] for n in (s.get("types") or {}) if n not in INCIDENT_TYPES}
    )
    by_district = {n for k in _SPOT_LISTS if k != "patrols" for n in lists[k]}
    unplaced = sorted(by_district - set(district_of))
    if unknown or unplaced:
        raise UserError(
            "EST-demon i platsfilen nämner okända platser eller typer: "
            f"{', '.join(unknown + [f'{n} (saknar district)' for n in unplaced])}.",
            file=file,
            column="est.demo",
        )
    return DemoPlan(spots, type_mix, district_of, emerging, lists)


def generate_activities(*, seed: int = SEED, place: Place | None = None) -> pd.DataFrame:
    """Synthetic activities as an organiser's export: held up to the last week, then planned.

    Returns
    -------
    pandas.DataFrame
        ``start``, ``slut`` (text), ``typ``, ``status``, ``arrangör``, ``område`` and, for
        patrols, ``x``/``y`` (SWEREF 99 TM).

    Examples
    --------
    >>> act = generate_activities()
    >>> sorted(act["status"].unique()), act["start"].max() > "2025-12-01"
    (['genomförd', 'planerad'], True)
    """
    plan = demo_plan(place)
    rng = np.random.default_rng(seed + 1)
    last = _monday(LAST_WEEK)
    weeks = demo_weeks() + [
        iso_week(last + timedelta(weeks=k)) for k in range(1, PLANNED_WEEKS + 1)
    ]
    points = {p[0]: (p[1], p[2]) for p in plan.spots}
    rows = []
    for week in weeks:
        monday = _monday(week)
        number = int(week.split("-W")[1])
        held = monday <= last
        for kind, organiser, weekdays, hour, hours, spot_list, per_evening in _ACTIVITY_PLAN:
            places = plan.lists[spot_list]
            if kind == "fritidsgårdskväll" and 26 <= number <= 32:
                continue  # youth centres close in summer
            for weekday in weekdays:
                chosen = rng.choice(len(places), size=per_evening, replace=False)
                for i in sorted(chosen.tolist()):
                    start = datetime.combine(monday + timedelta(days=weekday), datetime.min.time())
                    start += timedelta(hours=hour)
                    place = places[i]
                    x, y = points[place] if kind in _POINT_KINDS else ("", "")
                    district = "" if kind in _POINT_KINDS else plan.district_of[place]
                    status = "genomförd" if held and rng.random() > 0.03 else "planerad"
                    rows.append(
                        (
                            start,
                            start + timedelta(hours=hours),
                            kind,
                            status,
                            organiser,
                            district,
                            x,
                            y,
                        )
                    )
        if number in _HOLIDAY_WEEKS:
            for district in (plan.district_of[n] for n in plan.lists["holiday_activities"]):
                start = datetime.combine(monday + timedelta(days=2), datetime.min.time())
                start += timedelta(hours=13)
                rows.append(
                    (
                        start,
                        start + timedelta(hours=3),
                        "lovaktivitet",
                        "genomförd" if held else "planerad",
                        "fritid",
                        district,
                        "",
                        "",
                    )
                )
    frame = pd.DataFrame(
        rows, columns=["start", "slut", "typ", "status", "arrangör", "område", "x", "y"]
    )
    for column in ("start", "slut"):
        frame[column] = frame[column].map(lambda t: t.strftime("%Y-%m-%d %H:%M"))
    return frame


def write_est_files(out_dir: str | Path) -> list[Path]:
    """Write the demo incident and activity files (semicolon CSV, UTF-8); byte-identical runs.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_est_files(tempfile.mkdtemp())]
    ['demo_est_handelser.csv', 'demo_est_aktiviteter.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (
        (INCIDENT_FILE, generate_incidents()),
        (ACTIVITY_FILE, generate_activities()),
    ):
        path = out / name
        frame.to_csv(
            path, sep=";", index=False, encoding="utf-8", lineterminator="\n", float_format="%.1f"
        )
        paths.append(path)
    return paths


def load_est_demo(store, out_dir: str | Path) -> dict[str, int]:
    """Write the demo files to ``out_dir`` and import them through :mod:`sources.est`.

    Every row is marked synthetic.  Importing again is a no-op (same checksums).

    Returns
    -------
    dict
        Rows loaded per kind, ``{"incident": …, "activity": …}`` (0 when already loaded).
    """

    loaded = {}
    for path, kind in zip(write_est_files(out_dir), ("incident", "activity"), strict=True):
        result = import_est_file(store, path, kind=kind, source=SOURCE, user="demo", synthetic=True)
        loaded[kind] = result.rows_loaded
    return loaded
