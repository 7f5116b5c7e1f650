"""Settings read from the environment, with the embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = ROOT / "var" / "uvts.sqlite"

#: Counts 1..(threshold-1) are hidden (docs/methods.md §2.2).
SUPPRESSION_THRESHOLD = int(os.environ.get("UVTS_SUPPRESSION_THRESHOLD", "5"))
#: Rates and proportions with a smaller denominator are hidden.
MIN_DENOMINATOR = int(os.environ.get("UVTS_MIN_DENOMINATOR", "10"))


def database_url() -> str:
    """The store's URL: ``UVTS_DATABASE_URL`` or the embedded SQLite file."""
    url = os.environ.get("UVTS_DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_DB_PATH}"
