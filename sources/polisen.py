"""Polisen's published events → counts per event type × municipality × ISO week.

Reads the events API (``GET https://polisen.se/api/events``): a list of ``{id, datetime,
name, summary, url, type, location: {name, gps}}``.

Why municipality level only: ``location.gps`` is the centroid of the municipality (or
county) named in ``location.name``, not where the event happened (formats/README.md). Placing
events on a district map by that point would put every Umeå event in the district that holds
the centroid. So events are counted per municipality; district-level police figures come
from the municipality's own aggregates through the template instead.

* time: the event time in ``name`` ("06 juni 13.05, …") with the year of ``datetime``
  (the publication time, used when the name has no time); the ISO week is of the local date;
* measures: ``polisen_<type>`` (``Olovlig körning`` → ``polisen_olovlig_korning``) and
  ``polisen_handelser`` (all events); summaries ("Sammanfattning natt", …) are not events
  and are skipped;
* places: a ``location.name`` that resolves to a municipality (``Umeå`` → ``2480``); county
  names and municipalities outside our area table are skipped with a note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import pandas as pd

from common.errors import UserError
from common.place import current_place
from geo.areas import resolve_area as default_resolve_area
from sources.tidy import ParsedSource, slug, tidy_frame

SOURCE = "Polisen"
BASE_URL = "https://polisen.se"
TOTAL_MEASURE = "polisen_handelser"
_MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}
_NAME_TIME = re.compile(r"^\s*(\d{1,2})\s+([a-zåäö]+)\s+(\d{1,2})[.:](\d{2})", re.IGNORECASE)


def events_url(location: str | None = "", *, base: str = BASE_URL) -> str:
    """The events API address, filtered by location name (default ``""``: the place's name,
    ``data/place/<place>.yml``; ``None``: no filter).

    Examples
    --------
    >>> events_url("Umeå")
    'https://polisen.se/api/events?locationname=Ume%C3%A5'
    >>> events_url() == events_url(current_place().name)
    True
    """
    from urllib.parse import quote

    if location == "":
        location = current_place().name
    return f"{base}/api/events" + (f"?locationname={quote(location)}" if location else "")


def published_at(text: str) -> datetime:
    """``"2025-06-07 7:32:06 +02:00"`` (hour not zero-padded) → an aware datetime.

    Examples
    --------
    >>> published_at("2025-06-07 7:32:06 +02:00").isoformat()
    '2025-06-07T07:32:06+02:00'
    """
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S %z")


def event_time(name: str, published: datetime) -> datetime:
    """When the event happened: the day and time in ``name``, the year from ``published``.

    Examples
    --------
    >>> p = published_at("2025-01-01 0:10:00 +01:00")
    >>> event_time("31 december 23.50, Rån, Umeå", p).date().isoformat()
    '2024-12-31'
    """
    match = _NAME_TIME.match(name or "")
    month = _MONTHS.get(match[2].casefold()) if match else None
    if not match or month is None:
        return published
    year = published.year - (1 if month > published.month else 0)
    try:
        return published.replace(
            year=year,
            month=month,
            day=int(match[1]),
            hour=int(match[3]),
            minute=int(match[4]),
            second=0,
        )
    except ValueError:
        return published


def parse_events(
    events: Iterable[Mapping],
    *,
    resolve_area: Callable[[str], str | None] | None = None,
) -> ParsedSource:
    """Events → counts per type and municipality and ISO week (``2025-W23``).

    Examples
    --------
    >>> events = [{"datetime": "2025-06-06 14:43:44 +02:00", "type": "Olovlig körning",
    ...            "name": "06 juni 13.05, Olovlig körning, Umeå",
    ...            "location": {"name": "Umeå", "gps": "63.825847,20.263035"}}]
    >>> counts = parse_events(events).observations
    >>> counts[["measure_id", "period", "count"]].values.tolist()
    [['polisen_handelser', '2025-W23', 1.0], ['polisen_olovlig_korning', '2025-W23', 1.0]]
    """
    if resolve_area is None:
        resolve_area = default_resolve_area
    counts: Counter = Counter()
    skipped_places: Counter = Counter()
    summaries = 0
    try:
        for event in events:
            kind = str(event["type"]).strip()
            if kind.casefold().startswith("sammanfattning"):
                summaries += 1
                continue
            place = str(event["location"]["name"]).strip()
            area = resolve_area(place)
            if area is None or not re.fullmatch(r"\d{4}", area):
                skipped_places[place] += 1
                continue
            when = event_time(str(event.get("name", "")), published_at(str(event["datetime"])))
            iso = when.isocalendar()
            period = f"{iso.year}-W{iso.week:02d}"
            counts[(f"polisen_{slug(kind)}", area, period)] += 1
            counts[(TOTAL_MEASURE, area, period)] += 1
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(
            "Svaret från Polisen har inte formen [{datetime, name, type, location}] som väntat."
        ) from exc
    notes = []
    if summaries:
        notes.append(f"{summaries} sammanfattningar (inte enskilda händelser) hoppades över")
    if skipped_places:
        shown = ", ".join(f"{p} ({n})" for p, n in skipped_places.most_common(5))
        notes.append(
            f"{sum(skipped_places.values())} händelser utanför kommunerna i "
            f"områdestabellen (eller på länsnivå) hoppades över: {shown}"
        )
    frame = pd.DataFrame(
        [(m, a, p, n) for (m, a, p), n in counts.items()],
        columns=["measure_id", "area_code", "period", "count"],
    )
    return ParsedSource(tidy_frame(frame, source=SOURCE), tuple(notes))
