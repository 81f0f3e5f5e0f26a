"""Fixed-window rate limits per client address, kept in Django's cache.

Used by the public progress query (API and page) against guessing case numbers and secrets.
The counter lives in the default cache: the per-process LocMemCache of a demo, or a shared cache
(Redis) when several web processes serve; with LocMemCache each process counts on its own.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimited(Exception):
    """Too many requests; `retry_after` is the number of seconds until the window ends."""

    retry_after: int


def client_address(request):
    """The caller's address. REMOTE_ADDR only: behind a reverse proxy every caller would share the
    proxy's address; trusting X-Forwarded-For needs a list of trusted proxies, which is out of
    scope for now. None when there is none (a server on a Unix socket sends an empty one): the
    audit log stores it in an IP address column, where a placeholder word would not fit."""
    return request.META.get("REMOTE_ADDR") or None


def hit(scope, key, *, limit, window_seconds, now=None):
    """Count one request of `key` in `scope`; raise RateLimited once `limit` is exceeded.

    Fixed windows aligned to multiples of `window_seconds`: cheap (one add, one incr, both atomic
    in LocMemCache and Redis) and good enough against enumeration.
    """
    now = time.time() if now is None else now
    window_start = int(now // window_seconds) * window_seconds
    cache_key = f"ratelimit:{scope}:{key}:{window_start}"
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The entry expired between add and incr: this request starts a new window.
        cache.add(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, int(window_start + window_seconds - now + 0.999)))
    return count


def check_request(request, scope, *, limit, window_seconds):
    """`hit` keyed by the request's client address (callers without one share one counter)."""
    key = client_address(request) or "unknown"
    return hit(scope, key, limit=limit, window_seconds=window_seconds)
