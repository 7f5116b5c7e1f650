"""Streamlit's own English widget texts, in Swedish when the session is Swedish.

Streamlit (1.67) has no parameter for the file uploader's button ("Upload") and its limit line
("100MB per file • CSV"), and no translation of its frontend.  In Swedish mode the page adds
a few CSS rules that hide those texts (``visibility: hidden`` takes them out of the visible
text and the accessible name) and write Swedish ones in their place with ``::after``
(which screen readers read).  Selectboxes and multiselects need no CSS: every one is given a
Swedish ``placeholder``.  The browser test
``tests/browser/test_data_and_est.py`` fails if an English text comes back after an upgrade
(the selectors are Streamlit's ``data-testid`` attributes; docs/ui-language.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui.i18n import lang

_UPLOADER = "[data-testid='stFileUploaderDropzone']"


def uploader_css(*, types: Sequence[str], max_mb: int) -> str:
    """The CSS that writes the file uploader's button and limit line in Swedish.

    Examples
    --------
    >>> css = uploader_css(types=["csv", "xlsx"], max_mb=100)
    >>> 'content:"Välj fil"' in css, "Högst 100 MB per fil · CSV, XLSX" in css
    (True, True)
    """
    limit = f"Högst {max_mb} MB per fil · {', '.join(t.upper() for t in types)}"
    hide = "visibility:hidden;font-size:0;line-height:0"
    show = "visibility:visible;font-size:0.875rem;line-height:1.4"
    return (
        f"<style>{_UPLOADER} button [data-testid='stMarkdownContainer'] p{{{hide}}}"
        f"{_UPLOADER} button [data-testid='stMarkdownContainer'] p::after{{content:\"Välj fil\";{show}}}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] span{{{hide}}}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] span::after{{content:\"{limit}\";"
        f"{show};color:#4d4d4d}}</style>"
    )


def swedish_file_uploader(*, types: Sequence[str]) -> None:
    """In Swedish mode, give this page's file uploaders a Swedish button and limit line."""
    if lang() == "sv":
        st.html(uploader_css(types=types, max_mb=int(st.get_option("server.maxUploadSize"))))
