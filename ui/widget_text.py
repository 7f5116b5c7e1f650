"""Streamlit's own English widget texts, in Swedish when the session is Swedish.

Streamlit (1.67) has no parameter for the file uploader's button ("Upload") and its limit line
("100MB per file • CSV"), and no translation of its frontend.  In Swedish mode the page adds
a few CSS rules that hide those texts (``display: none`` takes them out of the visible text
and the accessible name) and write Swedish ones on their visible parents with ``::after``
(part of the accessible name, so the button is named "Välj fil" for screen readers and
axe-core).  Selectboxes and multiselects need no CSS: every one is given a
Swedish ``placeholder``.  The browser test
``tests/browser/test_data_and_est.py`` fails if an English text comes back after an upgrade
(the selectors are Streamlit's ``data-testid`` attributes; docs/ui-language.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui.i18n import lang

_UPLOADER = "[data-testid='stFileUploaderDropzone']"


_LABEL_SCRIPT = (
    "<script>(() => { const label = () => document.querySelectorAll("
    "\"[data-testid='stFileUploaderDropzone'] button\").forEach(b => {"
    " if (b.getAttribute('aria-label') !== 'Välj fil') b.setAttribute('aria-label', 'Välj fil'); });"
    " label(); if (!window.__uvtsUploaderLabel) { window.__uvtsUploaderLabel = true;"
    " new MutationObserver(label).observe(document.body, {childList: true, subtree: true}); }"
    " })();</script>"
)


def uploader_css(*, types: Sequence[str], max_mb: int) -> str:
    """The CSS that writes the file uploader's button and limit line in Swedish.

    Examples
    --------
    >>> css = uploader_css(types=["csv", "xlsx"], max_mb=100)
    >>> 'content:"Välj fil"' in css, "Högst 100 MB per fil · CSV, XLSX" in css
    (True, True)
    """
    limit = f"Högst {max_mb} MB per fil · {', '.join(t.upper() for t in types)}"
    button = f"{_UPLOADER} button [data-testid='stMarkdownContainer']"
    limits = "[data-testid='stFileUploaderDropzoneInstructions'] > div"
    return (
        # display:none takes the English out of the visible text and the accessible name; the
        # ::after of the (visible) parent is both the Swedish text and the button's name
        f"<style>{button} p{{display:none}}"
        f'{button}::after{{content:"Välj fil"}}'
        f"{limits} span{{display:none}}"
        f'{limits}::after{{content:"{limit}";font-size:0.875rem;color:#4d4d4d}}</style>'
    )


def swedish_file_uploader(*, types: Sequence[str]) -> None:
    """In Swedish mode, give this page's file uploaders a Swedish button and limit line."""
    if lang() == "sv":
        st.html(uploader_css(types=types, max_mb=int(st.get_option("server.maxUploadSize"))))
        # axe-core does not count CSS ::after text in a button's name: give the button the
        # Swedish word as its aria-label too (an attribute React does not manage, so it stays;
        # the observer labels buttons drawn later)
        st.html(_LABEL_SCRIPT, unsafe_allow_javascript=True)
