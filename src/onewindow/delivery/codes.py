"""Pickup codes: six random digits, stored only as a keyed hash.

A six-digit code has a million values, so a plain hash would be reversed by trying them all; the
HMAC is keyed with SECRET_KEY and scoped (`scope`: the delivery of a window pickup, the cabinet of
a locker deposit), so that a copy of the database alone does not give the codes away.
"""

import hmac
import re
import secrets

from django.utils.crypto import salted_hmac

from onewindow.core.identity import to_half_width

CODE = re.compile(r"^[0-9]{6}$")


def new_code():
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(scope, code):
    return salted_hmac(
        "onewindow.delivery.pickup-code", f"{scope}:{code}", algorithm="sha256"
    ).hexdigest()


def lookup_hash(service_point_id, code):
    """The hash the staff search finds a waiting code by (delivery/search.py). The hand-over's
    hash is scoped by the case, which the clerk does not know yet when searching by the code;
    this one is scoped by the service point where the result waits, so a clerk finds the codes of
    their own point only, and one index probe does it."""
    return code_hash(f"point:{service_point_id or 0}", code)


def matches(stored_hash, scope, code):
    return hmac.compare_digest(stored_hash, code_hash(scope, code))


def normalise(code):
    """The typed code without spaces (the ideographic one too), full-width digits made ASCII
    (core.identity, as the input method types them), or
    None when it is not six digits 0-9 (other scripts' digits are a format error, not a wrong
    code: `\\d` would take them and the code would never match)."""
    code = re.sub(r"\s", "", to_half_width(code))
    return code if CODE.match(code) else None
