"""Giving freed memory back to the operating system during a large rebuild (glibc only).

glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), so after a
few frees the national rebuild's column arrays (1,9 M rows × 8 bytes ≈ 15 MiB each) come
from the heap, and a freed heap block stays in the process: the peak resident size grew by
every intermediate frame (docs/published.md "Speed"). Fixing the threshold keeps large
arrays in their own mappings, returned to the system as soon as they are freed; a trim
hands back what the heap still holds. Elsewhere (not glibc) both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: Blocks from this size get their own mapping (glibc ``M_MMAP_THRESHOLD``).
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def return_freed_memory() -> bool:
    """Fix the mmap threshold (large blocks go back to the system when freed) and trim the
    heap; True where the C library allows it (glibc).

    >>> isinstance(return_freed_memory(), bool)
    True
    """
    libc = _libc()
    if libc is None:
        return False
    ok = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    libc.malloc_trim(0)
    return ok
