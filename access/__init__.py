"""Roles and what each may see. Enforced where data is read, not only by hiding widgets.

The matrix is data: :data:`PAGE_ROLES` says which pages a role gets in the navigation and
:data:`CAPABILITIES` which read and write paths of :mod:`access.reads` it may use.  Every
function in :mod:`access.reads` takes the role and calls :func:`require` (or narrows what it
returns, as :func:`value_levels` does for indicator values), so a page that forgot to hide a
widget still gets nothing it may not show.

Roles (issue 7):

* ``publik`` – municipality and district level, suppressed aggregates only, no EST cells;
* ``rad`` (Umebrå council) – every aggregate level, briefs;
* ``est`` – the EST page with grid cells and activities, incident/activity entry;
* ``analytiker`` – imports, rollback, the Data page;
* ``admin`` – everything, plus users' roles, the audit log and configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from common.errors import UserError
from common.place import current_place

ROLES = ("publik", "rad", "est", "analytiker", "admin")
ROLE_LABELS = {
    "publik": {"sv": "Allmänhet", "en": "Public"},
    "rad": {
        "sv": f"Rådet ({current_place().council or 'kommunens råd'})",
        "en": f"Council ({current_place().council or 'the municipal council'})",
    },
    "est": {"sv": "EST-gruppen", "en": "EST group"},
    "analytiker": {"sv": "Analytiker", "en": "Analyst"},
    "admin": {"sv": "Administratör", "en": "Administrator"},
}
#: The role of anyone not signed in, and of a sign-in whose role is unknown.
LEAST_ROLE = "publik"
_ALL = frozenset(ROLES)
_EST = frozenset({"est", "admin"})
_ANALYSTS = frozenset({"analytiker", "admin"})
_ADMIN = frozenset({"admin"})

#: Page id → roles that may open it.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "oversikt": _ALL,
    "karta": _ALL,
    "trender": _ALL,
    "omradesprofil": _ALL,
    "jamforelse": _ALL,
    "om-metod": _ALL,
    "insatser": _ALL,  # issue 13: everyone reads the register; analysts write
    "est": _ALL,  # publik and others get suppressed district totals (access.reads.est_week)
    "data": _ANALYSTS,
    "admin": _ADMIN,
}

#: Read/write path → roles that may use it (checked by :mod:`access.reads`).
CAPABILITIES: dict[str, frozenset[str]] = {
    "indicator_values": _ALL,
    "stadsdel_values": _ALL - {"publik"},
    "est_district_totals": _ALL,
    "est_cells": _EST,
    "est_activities": _EST,
    "est_entry": _EST,
    "brief": _ALL - {"publik"},
    "est_brief": _EST,
    "export": _ALL,
    "interventions_read": _ALL,  # every role sees districts (publik: district level)
    "interventions_write": _ANALYSTS,
    "batches": _ANALYSTS,
    "import": _ANALYSTS,
    "rollback": _ANALYSTS,
    "audit_log": _ADMIN,
    "user_roles": _ADMIN,
    "set_role": _ADMIN,
    "configuration": _ADMIN,
    "council_meetings": _ALL - {"publik"},
}

#: What each capability is, for the refusal message (Swedish, English).
CAPABILITY_TEXT: dict[str, tuple[str, str]] = {
    "indicator_values": ("se indikatorvärden", "see indicator values"),
    "stadsdel_values": ("se värden per stadsdel", "see values per stadsdel"),
    "est_district_totals": ("se EST-lägesbilden per område", "see the EST district totals"),
    "est_cells": ("se EST-händelser per rutnätscell", "see EST incidents per grid cell"),
    "est_activities": ("se EST-aktiviteter", "see EST activities"),
    "est_entry": ("registrera EST-händelser och aktiviteter", "enter EST incidents and activities"),
    "brief": ("ta fram rådets lägesrapport", "produce the council brief"),
    "est_brief": ("ta fram EST:s veckobrev", "produce the EST weekly brief"),
    "export": ("ladda ned data", "download data"),
    "interventions_read": ("se insatser och deras utvärdering", "see interventions"),
    "interventions_write": ("lägga till eller ändra insatser", "add or change interventions"),
    "batches": ("se importerna", "see the import batches"),
    "import": ("läsa in data", "import data"),
    "rollback": ("återställa en import", "roll back an import"),
    "audit_log": ("se granskningsloggen", "see the audit log"),
    "user_roles": ("se användarnas roller", "see users' roles"),
    "set_role": ("ändra användares roller", "change users' roles"),
    "configuration": ("se konfigurationen", "see the configuration"),
    "council_meetings": ("ändra rådets mötesdatum", "change the council's meeting dates"),
}

#: Area levels of indicator values per role (publik: never below district).
#: "country" is Sweden (national public statistics, the second benchmark): every role.
VALUE_LEVELS: dict[str, tuple[str, ...]] = {
    role: ("country", "municipality", "district")
    if role == "publik"
    else ("country", "municipality", "district", "stadsdel")
    for role in ROLES
}


class PermissionDenied(UserError):
    """A role asked for data or an action it may not have; the message is Swedish.

    Examples
    --------
    >>> str(PermissionDenied("publik", "audit_log"))
    'Rollen Allmänhet får inte se granskningsloggen.'
    """

    def __init__(self, role: str, capability: str) -> None:
        sv, en = CAPABILITY_TEXT.get(capability, (capability, capability))
        labels = ROLE_LABELS.get(role, {"sv": role, "en": role})
        super().__init__(
            f"Rollen {labels['sv']} får inte {sv}.",
            message_en=f"The role {labels['en']} may not {en}.",
        )
        self.role = role
        self.capability = capability


def normalise_role(role: object) -> str:
    """A known role, or :data:`LEAST_ROLE` for anything else (None, typos, hostile strings).

    >>> normalise_role("est"), normalise_role("superuser"), normalise_role(None)
    ('est', 'publik', 'publik')
    """
    return role if isinstance(role, str) and role in ROLES else LEAST_ROLE


def may(role: str, capability: str) -> bool:
    """True if ``role`` may use ``capability`` (an unknown capability: nobody may).

    >>> may("rad", "rollback"), may("analytiker", "rollback")
    (False, True)
    """
    return role in CAPABILITIES.get(capability, frozenset())


def require(role: str, capability: str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` may use ``capability``.

    >>> require("admin", "audit_log")
    """
    if not may(role, capability):
        raise PermissionDenied(role, capability)


def value_levels(role: str) -> tuple[str, ...]:
    """The area levels whose indicator values ``role`` may see.

    >>> value_levels("publik"), value_levels("rad")[-1]
    (('country', 'municipality', 'district'), 'stadsdel')
    """
    return VALUE_LEVELS[normalise_role(role)]


def allowed_pages(role: str) -> list[str]:
    """Page ids the role may open.

    >>> allowed_pages("publik")[:2]
    ['oversikt', 'karta']
    """
    return [page for page, roles in PAGE_ROLES.items() if role in roles]


def may_open(role: str, page: str) -> bool:
    """True if ``role`` may open page ``page``.

    >>> may_open("est", "est"), may_open("rad", "admin")
    (True, False)
    """
    return role in PAGE_ROLES.get(page, frozenset())


_CLAIM_PREFIX = re.compile(r"^uvts[._:\-/]", re.IGNORECASE)


def role_from_claim(value: object) -> str | None:
    """The role an identity-provider claim names, or None if it names none.

    A claim is a string (Keycloak mapper ``role``) or a list of strings (Entra ID app roles,
    claim ``roles``).  Values are matched without regard to case and to a ``uvts.``/``uvts-``
    prefix (app-role values such as ``UVTS.Analytiker``).  A list naming several roles gives
    the one with most rights, in the order of :data:`ROLES`.

    >>> role_from_claim("est"), role_from_claim(["UVTS.rad", "uvts-admin"]), role_from_claim("x")
    ('est', 'admin', None)
    """
    values: Iterable[object]
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, (list, tuple, set, frozenset)):
        values = value
    else:
        return None
    found = {_CLAIM_PREFIX.sub("", v.strip()).lower() for v in values if isinstance(v, str)}
    known = [r for r in ROLES if r in found]
    return known[-1] if known else None


def _verified(value: object) -> bool:
    """``email_verified`` as providers send it: JSON true, or the string "true" (some IdPs)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def subject_keys(claims: Mapping[str, object], *, subject_claim: str = "sub") -> list[str]:
    """Role-table keys for a sign-in, most specific first (docs/deployment.md "Roles").

    The provider's stable subject (``sub``, or e.g. Entra ID's ``oid`` through
    ``UVTS_SUBJECT_CLAIM``) always counts; the ``email`` claim only when ``email_verified``
    is true — a user of a Keycloak-style provider can set any address on their own account.

    Examples
    --------
    >>> subject_keys({"sub": "u-1", "email": "boss@umea.se", "email_verified": False})
    ['u-1']
    >>> subject_keys({"sub": "u-1", "email": "anna@umea.se", "email_verified": True})
    ['u-1', 'anna@umea.se']
    >>> subject_keys({"oid": "0f3c", "sub": "x", "email": "a@b.se"}, subject_claim="oid")
    ['0f3c']
    """
    keys: list[str] = []
    subject = claims.get(subject_claim) or claims.get("sub")
    if isinstance(subject, str) and subject.strip():
        keys.append(subject.strip())
    email = claims.get("email")
    if isinstance(email, str) and email.strip() and _verified(claims.get("email_verified")):
        keys.append(email.strip())
    return keys
