"""Fetching JSON from public APIs (only when the user asks, with ``--fetch``).

Nothing else in the app needs the internet; a failed fetch is a :class:`UserError` with a
Swedish message, never a traceback. ``UVTS_FETCH_BASE_URL`` (or the CLI's ``--base-url``)
points every connector at another server, e.g. a local mirror or, in tests, an address
where nothing listens.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from common.errors import UserError
from common.place import current_place


def user_agent() -> str:
    """The User-Agent sent with every fetch: the app, the place's municipality and council.

    Examples
    --------
    >>> current_place().name_municipality in user_agent()
    True
    """
    place = current_place()
    who = ", ".join(x for x in (place.name_municipality, place.council) if x)
    return f"uvts-dashboard ({who}; aggregated statistics)"


TIMEOUT_SECONDS = 30


def base_url(default: str, override: str | None = None) -> str:
    """The server to use: ``override``, else ``UVTS_FETCH_BASE_URL``, else ``default``.

    Examples
    --------
    >>> base_url("https://api.kolada.se", "http://127.0.0.1:9/")
    'http://127.0.0.1:9'
    """
    chosen = override or os.environ.get("UVTS_FETCH_BASE_URL", "").strip() or default
    return chosen.rstrip("/")


def fetch_json(
    url: str,
    *,
    body: dict | None = None,
    accept: str = "application/json",
    timeout: float = TIMEOUT_SECONDS,
):
    """GET (or POST ``body`` as JSON) and parse the JSON answer.

    Raises :class:`UserError` when the server cannot be reached, answers with an error
    status, or does not answer JSON.
    """
    if not url.startswith(("http://", "https://")):
        raise UserError(f"Bara http- och https-adresser kan hämtas, inte {url!r}.")
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data else "GET",
        headers={
            "Accept": accept,
            "User-Agent": user_agent(),
            **({"Content-Type": "application/json"} if data else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise UserError(
            f"Servern svarade {exc.code} ({exc.reason}) för {url}. Kontrollera parametrarna "
            "(tabell, kod, år) och försök igen senare.",
            message_en=f"The server answered {exc.code} for {url}.",
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(
            f"Kunde inte hämta {url} ({reason}). Hämtningen kräver internet; kontrollera "
            "anslutningen (eller proxyinställningen) och försök igen. Inget har ändrats.",
            message_en=f"Could not fetch {url} ({reason}); no internet connection?",
        ) from exc
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            f"Svaret från {url} är inte JSON som väntat.",
            message_en=f"The answer from {url} is not JSON.",
        ) from exc
