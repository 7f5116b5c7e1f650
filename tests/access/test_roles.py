"""access/__init__.py: the page matrix, role claims from identity providers, refusals."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from access import (
    CAPABILITIES,
    LEAST_ROLE,
    ROLES,
    PermissionDenied,
    allowed_pages,
    may,
    may_open,
    normalise_role,
    role_from_claim,
    value_levels,
)

# Everyone opens the EST page; what it shows depends on the role (cells only for est/admin).
# Everyone reads the intervention register and its evaluation (issue 13); analysts write it.
PUBLIC_PAGES = [
    "oversikt",
    "karta",
    "trender",
    "omradesprofil",
    "jamforelse",
    "insatser",
    "est",
    "om-metod",
]
EXPECTED_PAGES = {
    "publik": PUBLIC_PAGES,
    "rad": PUBLIC_PAGES,
    "est": PUBLIC_PAGES,
    "analytiker": [*PUBLIC_PAGES, "data"],
    "admin": [*PUBLIC_PAGES, "data", "admin"],
}


def test_each_role_gets_exactly_its_pages():
    for role, pages in EXPECTED_PAGES.items():
        assert sorted(allowed_pages(role)) == sorted(pages), role
        assert all(may_open(role, p) for p in pages)
    assert not may_open("admin", "no-such-page")


def test_public_is_the_only_role_without_stadsdelar():
    assert value_levels("publik") == ("country", "municipality", "district")
    assert all("stadsdel" in value_levels(r) for r in ROLES if r != "publik")


def test_role_claims_from_keycloak_and_entra_id():
    assert role_from_claim("est") == "est"  # Keycloak: a plain string claim
    assert role_from_claim(["UVTS.Rad", "uvts.est"]) == "est"  # Entra ID app roles: a list
    assert role_from_claim(["uvts-analytiker", "uvts-admin"]) == "admin"  # most rights wins
    assert role_from_claim(["Employee", "uvts.superuser"]) is None
    assert role_from_claim(None) is None and role_from_claim(3) is None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.none(), st.integers()))
def test_anything_but_a_known_role_means_public_and_may_do_nothing(value):
    role = normalise_role(value)
    assert role in ROLES
    if value not in ROLES:
        assert role == LEAST_ROLE
        assert not any(may(value, capability) for capability in CAPABILITIES)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=5))
def test_a_claim_never_gives_a_role_it_does_not_name(values):
    role = role_from_claim(values)
    named = {re.sub(r"^uvts[._:\-/]", "", v.strip(), flags=re.IGNORECASE).lower() for v in values}
    assert role is None or role in named
    assert (role is None) == (not named & set(ROLES))


def test_refusal_is_a_user_error_in_swedish_with_english_alongside():
    exc = PermissionDenied("rad", "rollback")
    assert str(exc) == "Rollen Rådet (Umebrå) får inte återställa en import."
    assert exc.message_en == "The role Council (Umebrå) may not roll back an import."
