"""Settings read from the environment, with the embedded defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = ROOT / "var" / "uvts.sqlite"
#: The place (data/place/<key>.yml) when ``PLACE`` is not set (docs/place.md).
DEFAULT_PLACE = "umea"

#: Counts 1..(threshold-1) are hidden (docs/methods.md §2.2).
SUPPRESSION_THRESHOLD = int(os.environ.get("UVTS_SUPPRESSION_THRESHOLD", "5"))
#: Rates and proportions with a smaller denominator are hidden.
MIN_DENOMINATOR = int(os.environ.get("UVTS_MIN_DENOMINATOR", "10"))


def default_db_path() -> Path:
    """The embedded SQLite file of this process's place: ``var/uvts.sqlite`` for the default
    place, ``var/uvts-<place>.sqlite`` for another (``PLACE=… make run`` never reads another
    municipality's database).

    Examples
    --------
    >>> default_db_path().parent.name, default_db_path().suffix
    ('var', '.sqlite')
    """
    key = os.environ.get("PLACE", "").strip().casefold()
    if key in ("", DEFAULT_PLACE) or not re.fullmatch(r"[a-z0-9_-]{1,40}", key):
        return DEFAULT_DB_PATH
    return DEFAULT_DB_PATH.with_name(f"uvts-{key}.sqlite")


def database_url() -> str:
    """The store's URL: ``UVTS_DATABASE_URL`` or the place's embedded SQLite file."""
    url = os.environ.get("UVTS_DATABASE_URL", "").strip()
    return url or f"sqlite:///{default_db_path()}"
