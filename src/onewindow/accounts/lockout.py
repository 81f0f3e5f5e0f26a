"""The page a locked-out sign-in gets (django-axes calls `lockout_response`, AXES_LOCKOUT_CALLABLE).

A proper page in the reader's language with 429 Too Many Requests and Retry-After, instead of
django-axes' bare English text. It says how long to wait but not whether the user name or the
address was locked: that would tell a guesser which of the two to change.
"""

import math

from axes.helpers import get_cool_off
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
