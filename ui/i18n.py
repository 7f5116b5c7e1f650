"""The session's language: Swedish first, English on the toggle; text from data made inert."""

from __future__ import annotations

import re

import streamlit as st

from catalogue import Indicator
from common.fmt import fmt_number


def lang() -> str:
    """``"sv"`` or ``"en"``, as the sidebar toggle set it for this session."""
    return st.session_state.get("lang", "sv")


def t(sv: str, en: str) -> str:
    """The Swedish text, or the English one when the English toggle is on."""
    return en if lang() == "en" else sv


def indicator_name(ind: Indicator) -> str:
    """The indicator's name in the session's language."""
    return ind.text("name", lang())


def indicator_unit(ind: Indicator) -> str:
    """The indicator's unit in the session's language."""
    return ind.text("unit", lang())


def fmt_num(x, *, decimals: int = 1) -> str:
    """A number in the session's language."""
    return fmt_number(x, decimals=decimals, lang=lang())


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@=&])")


def escape_markdown(text) -> str:
    """A string from data, made inert for st.markdown/st.caption: every character Markdown
    (links, autolinks, emphasis, HTML, math, emoji codes) would act on is backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
