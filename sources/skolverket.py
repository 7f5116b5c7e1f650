"""Skolverket's school units (Planned educations API v4) → a list of schools to place later.

Reads ``GET https://api.skolverket.se/planned-educations/v4/school-units`` (HAL:
``body._embedded.listedSchoolUnits`` and ``body.page``; the API wants the Accept header
:data:`ACCEPT`). The list has no observations: it gives each school unit's code, name,
municipality and, when the answer carries them, WGS 84 coordinates, so that ``geo`` can put
schools in districts (facts.md: schools per district are not hard-coded anywhere).
``schoolYears`` come as strings in some records and as integers in others; both are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from common.errors import UserError

SOURCE = "Skolverket"
BASE_URL = "https://api.skolverket.se"
ACCEPT = "application/vnd.skolverket.plannededucations.api.v4.hal+json"
SCHOOL_UNIT_COLUMNS = [
    "school_unit_code",
    "name",
    "municipality_code",
    "post_code_district",
    "organiser_type",
    "school_types",
    "school_years",
    "latitude",
    "longitude",
]
_LAT_KEYS = ("wgs84Latitude", "wgs84Lat", "latitude", "lat")
_LON_KEYS = ("wgs84Longitude", "wgs84Long", "wgs84Lng", "longitude", "lon", "lng")


def school_units_url(
    municipality: str = "2480",
    *,
    type_of_schooling: str | None = "gr",
    page: int = 0,
    size: int = 100,
    base: str = BASE_URL,
) -> str:
    """The v4 school-units address for one municipality.

    Examples
    --------
    >>> school_units_url("2480")
    'https://api.skolverket.se/planned-educations/v4/school-units?geographicalAreaCode=2480&typeOfSchooling=gr&page=0&size=100'
    """
    query = {
        "geographicalAreaCode": municipality,
        "typeOfSchooling": type_of_schooling,
        "page": page,
        "size": size,
    }
    return f"{base}/planned-educations/v4/school-units?" + urlencode(
        {k: v for k, v in query.items() if v is not None}
    )


def _coordinate(unit: Mapping, keys: tuple[str, ...]) -> float:
    places = [
        unit,
        unit.get("coordinates") or {},
        unit.get("geoData") or {},
        unit.get("position") or {},
    ]
    for place in places:
        for key in keys:
            if isinstance(place, Mapping) and place.get(key) not in (None, ""):
                try:
                    return float(str(place[key]).replace(",", "."))
                except ValueError:
                    return np.nan
    return np.nan


def _years(schooling: list) -> str:
    years = sorted(
        {
            int(y)
            for s in schooling
            for y in (s.get("schoolYears") or [])
            if str(y).strip().isdigit()
        }
    )
    return ",".join(str(y) for y in years)


def parse_school_units(payload: Mapping) -> pd.DataFrame:
    """School units of one answer page as a table (:data:`SCHOOL_UNIT_COLUMNS`).

    Examples
    --------
    >>> page = {"body": {"_embedded": {"listedSchoolUnits": [{"code": "1", "name": "A-skolan",
    ...     "geographicalAreaCode": "2480", "typeOfSchooling": [{"code": "gr",
    ...     "schoolYears": ["7", 8, "9"]}]}]}}}
    >>> parse_school_units(page)[["school_unit_code", "school_years"]].values.tolist()
    [['1', '7,8,9']]
    """
    try:
        body = payload.get("body", payload)
        units = (body.get("_embedded") or {}).get("listedSchoolUnits", [])
        rows = []
        for unit in units:
            schooling = unit.get("typeOfSchooling") or []
            rows.append(
                {
                    "school_unit_code": str(unit["code"]),
                    "name": str(unit.get("name", "")).strip(),
                    "municipality_code": str(unit.get("geographicalAreaCode") or ""),
                    "post_code_district": str(unit.get("postCodeDistrict") or ""),
                    "organiser_type": str(unit.get("principalOrganizerType") or ""),
                    "school_types": ",".join(
                        str(s.get("code")) for s in schooling if s.get("code")
                    ),
                    "school_years": _years(schooling),
                    "latitude": _coordinate(unit, _LAT_KEYS),
                    "longitude": _coordinate(unit, _LON_KEYS),
                }
            )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise UserError(
            "Svaret från Skolverket har inte formen {body: {_embedded: "
            "{listedSchoolUnits}}} som väntat."
        ) from exc
    frame = pd.DataFrame(rows, columns=SCHOOL_UNIT_COLUMNS)
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype("float64")
    return frame


def next_page_url(payload: Mapping) -> str | None:
    """The HAL ``next`` link of an answer page, if there is one.

    Examples
    --------
    >>> next_page_url({"body": {"_links": {"next": {"href": "https://x/?page=1"}}}})
    'https://x/?page=1'
    """
    body = payload.get("body", payload) if isinstance(payload, Mapping) else {}
    link = ((body.get("_links") or {}).get("next") or {}).get("href")
    return str(link) if link else None
