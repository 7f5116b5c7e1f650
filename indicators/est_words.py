"""The EST vocabulary in words, Swedish and English, shared by the EST page (ui.est_view) and
the weekly PDF (reports.est_week): stored words are Swedish, as the partners write them.
Weekday and month names come from Babel (common.fmt.LOCALES), never a hand-written list.

Examples
--------
>>> est_word("skadegörelse", lang="en"), est_word("genomford"), weekday_names("en")[5]
('vandalism', 'genomförd', 'Saturday')
"""

from __future__ import annotations

from babel.dates import get_day_names

from common.fmt import LOCALES

#: English words for the EST vocabulary (stored in Swedish, as the partners write it).
EST_WORDS_EN = {
    "skadegörelse": "vandalism",
    "klotter": "graffiti",
    "narkotika": "drugs",
    "personrån": "robbery",
    "hot": "threats",
    "våld": "violence",
    "ordningsstörning": "disorder",
    "brand": "fire",
    "samling av unga": "gathering of young people",
    "stöld": "theft",
    "inbrott": "burglary",
    "annat": "other",
    "annan": "other",
    "polis": "police",
    "fastighetsbolag": "housing company",
    "Gator och parker": "Streets and parks",
    "fältare": "field workers",
    "handel": "retail",
    "skola": "school",
    "fritid": "youth leisure",
    "nattvandrare": "night walkers",
    "socialtjänst": "social services",
    "kommunen": "the municipality",
    "patrull": "patrol",
    "nattvandring": "night walk",
    "fältvandring": "field walk",
    "fritidsgårdskväll": "youth-club evening",
    "lovaktivitet": "holiday activity",
    "planerad": "planned",
    "genomford": "held",
    "genomförd": "held",
}
STATUS_SV = {"planerad": "planerad", "genomford": "genomförd"}


def est_word(word, lang: str = "sv") -> str:
    """A stored EST word (type, partner, activity, status) in ``lang``; unknown words as
    they are."""
    word = str(word)
    if lang == "en":
        return EST_WORDS_EN.get(word, word)
    return STATUS_SV.get(word, word)


def weekday_names(lang: str = "sv") -> tuple[str, ...]:
    """Monday … Sunday in ``lang`` (Babel; Swedish in lower case, as written mid-sentence).

    Examples
    --------
    >>> weekday_names()[0], weekday_names("en")[6]
    ('måndag', 'Sunday')
    """
    names = get_day_names("wide", locale=LOCALES[lang])
    return tuple(names[i] for i in range(7))
