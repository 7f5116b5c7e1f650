"""Kolada (RKA) key figures → tidy municipality-level values.

Reads the Kolada API v2 data answer (``GET /v2/data/kpi/{kpi}/municipality/{id}[/year/…]``):
``{"count", "values": [{"kpi", "municipality", "period", "values": [{"gender", "value",
"status", "count"}]}], "next_page"}``. Only the total for both sexes (``gender`` ``T``) is
kept. Kolada publishes a KPI as a ready value (a share, a rate, a mean) without numerator
and denominator, so rows have ``value`` only. A ``null`` value (with a ``status`` such as
"Saknas") is skipped and noted.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from common.errors import UserError
from common.place import current_place
from sources.tidy import ParsedSource, tidy_frame

SOURCE = "Kolada"
BASE_URL = "https://api.kolada.se"


def data_url(
    kpi: str,
    municipality: str | None = None,
    *,
    years: list[int] | None = None,
    base: str = BASE_URL,
) -> str:
    """The Kolada v2 data address for one KPI and municipality (default: the place's code,
    ``data/place/<place>.yml``).

    Examples
    --------
    >>> data_url("N15428", "2480", years=[2022, 2023])
    'https://api.kolada.se/v2/data/kpi/N15428/municipality/2480/year/2022,2023'
    >>> data_url("N15428").endswith(f"/municipality/{current_place().code}")
    True
    """
    municipality = municipality or current_place().code
    url = f"{base}/v2/data/kpi/{kpi}/municipality/{municipality}"
    return url + (f"/year/{','.join(str(y) for y in years)}" if years else "")


def measure_id_for(kpi: str, measure_ids: Mapping[str, str] | None = None) -> str:
    """Our measure id for a Kolada KPI: the mapping's, else ``kolada_<kpi>``.

    Examples
    --------
    >>> measure_id_for("N15428"), measure_id_for("N15428", {"N15428": "behoriga_gymnasiet"})
    ('kolada_n15428', 'behoriga_gymnasiet')
    """
    return (measure_ids or {}).get(kpi) or f"kolada_{kpi.casefold()}"


def parse_values(payload: Mapping, *, measure_ids: Mapping[str, str] | None = None) -> ParsedSource:
    """Kolada v2 ``values`` → tidy observations (municipality level, both sexes).

    Examples
    --------
    >>> payload = {"count": 1, "values": [{"kpi": "N15428", "municipality": "2480",
    ...     "period": 2023, "values": [{"gender": "T", "value": 74.1, "status": "", "count": 1},
    ...                                {"gender": "K", "value": 76.0, "status": "", "count": 1}]}]}
    >>> parse_values(payload).observations[["measure_id", "area_code", "period", "value"]
    ...                                    ].values.tolist()
    [['kolada_n15428', '2480', '2023', 74.1]]
    """
    try:
        records = payload["values"]
        rows, notes = [], []
        for record in records:
            kpi = str(record["kpi"])
            area = str(record.get("municipality") or "")
            period = str(record["period"])
            totals = [v for v in record.get("values", []) if v.get("gender") == "T"]
            if not area:
                notes.append(
                    f"{kpi} {period}: raden gäller inte en kommun (t.ex. en enhet) och "
                    "hoppades över"
                )
                continue
            if not totals:
                notes.append(
                    f"{kpi} {area} {period}: inget värde för båda könen (T); hoppades över"
                )
                continue
            for item in totals:
                if item.get("value") is None:
                    status = str(item.get("status") or "").strip() or "okänd"
                    notes.append(
                        f"{kpi} {area} {period}: värde saknas (status '{status}'); hoppades över"
                    )
                    continue
                rows.append(
                    {
                        "measure_id": measure_id_for(kpi, measure_ids),
                        "area_code": area,
                        "period": period,
                        "value": float(item["value"]),
                    }
                )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(
            "Svaret från Kolada har inte formen {values: [{kpi, municipality, period, "
            "values}]} som väntat."
        ) from exc
    frame = pd.DataFrame(rows, columns=["measure_id", "area_code", "period", "value"])
    return ParsedSource(tidy_frame(frame, source=SOURCE), tuple(notes))


def next_page(payload: Mapping) -> str | None:
    """The address of the next page of a Kolada answer, if any."""
    url = payload.get("next_page") if isinstance(payload, Mapping) else None
    return str(url) if url else None
