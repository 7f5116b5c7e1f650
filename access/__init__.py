"""Roles and what each may see. Enforced where data is read, not only by hiding widgets."""

from __future__ import annotations

ROLES = ("publik", "rad", "est", "analytiker", "admin")
ROLE_LABELS = {
    "publik": {"sv": "Allmänhet", "en": "Public"},
    "rad": {"sv": "Rådet (Umebrå)", "en": "Council (Umebrå)"},
    "est": {"sv": "EST-gruppen", "en": "EST group"},
    "analytiker": {"sv": "Analytiker", "en": "Analyst"},
    "admin": {"sv": "Administratör", "en": "Administrator"},
}

#: Page id → roles that may open it.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "oversikt": frozenset(ROLES),
    "karta": frozenset(ROLES),
    "trender": frozenset(ROLES),
    "omradesprofil": frozenset(ROLES),
    "jamforelse": frozenset(ROLES),
    "om-metod": frozenset(ROLES),
    "est": frozenset({"est", "admin"}),
    "data": frozenset({"analytiker", "admin"}),
    "admin": frozenset({"admin"}),
}


def allowed_pages(role: str) -> list[str]:
    """Page ids the role may open.

    >>> allowed_pages("publik")[:2]
    ['oversikt', 'karta']
    """
    return [page for page, roles in PAGE_ROLES.items() if role in roles]


def may_open(role: str, page: str) -> bool:
    return role in PAGE_ROLES.get(page, frozenset())
