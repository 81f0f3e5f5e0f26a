"""Fixed-window counters kept in Django's cache: rate limits per client and per target.

Used by the public progress query (per client address, and wrong secrets per case number), the
certificate verification, the courier webhook and the locker keypads (wrong codes per client and
per waiting code). The counters live in the default cache (settings.CACHES, from CACHE_URL): the
per-process LocMemCache of a demo, or a shared cache (Redis) when several web processes serve, so
that a limit holds across them; with LocMemCache each process counts on its own.

The client is the address `client_address` reads: REMOTE_ADDR unless settings name the reverse
proxies to trust (docs/security.md, "Rate limits").
"""

import hashlib
import ipaddress
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

# Keys of other shapes (a typed case number may hold anything) are hashed: a cache key stays short
# and safe for every backend.
PLAIN_KEY = re.compile(r"^[A-Za-z0-9.:_-]{1,100}$")


@dataclass(frozen=True)
class RateLimited(Exception):
    """Too many requests; `retry_after` is the number of seconds until the window ends."""

    retry_after: int


def _valid_address(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request):
    """The caller's address, the one place that reads it (rate limits and the audit log).

    By default REMOTE_ADDR, trusting nothing the client sends. Behind reverse proxies either
    ONEWINDOW_CLIENT_ADDRESS_HEADER names a header the proxy sets (e.g. X-Real-IP, overwriting
    what the client sent), or ONEWINDOW_TRUSTED_PROXIES counts the proxies in front of us: each
    appends the address it saw to X-Forwarded-For, so the client is the entry that many places
    from the right; entries further left were written by the client and are ignored. A request
    with fewer entries than that, or an entry that is not an address, counts under REMOTE_ADDR
    (the proxy's): it cannot choose its own address. None when there is none (a server on a Unix
    socket sends an empty one): the audit log stores it in an IP address column.
    """
    remote = _valid_address(request.META.get("REMOTE_ADDR"))
    header = settings.ONEWINDOW_CLIENT_ADDRESS_HEADER
    if header:
        meta_name = "HTTP_" + header.upper().replace("-", "_")
        return _valid_address(request.META.get(meta_name)) or remote
    trusted = settings.ONEWINDOW_TRUSTED_PROXIES
    if trusted > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= trusted:
            return _valid_address(forwarded[-trusted]) or remote
    return remote


def client_key(request):
    """What a per-client limit counts the request under (`address_key` of its address)."""
    return address_key(client_address(request))


def address_key(address):
    """What a per-client limit counts `address` under: the address, or for IPv6 its /64 network
    (one subscriber's line or phone usually holds a whole /64, so counting single addresses
    would let one person count as millions). Callers without an address share one counter."""
    parsed = ipaddress.ip_address(address) if _valid_address(address) else None
    if parsed is None:
        return "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _window(window_seconds, now):
    now = time.time() if now is None else now
    return now, int(now // window_seconds) * window_seconds


def cache_key(scope, key, window_start):
    """The cache entry of `key`'s count in `scope` for the window starting at `window_start`."""
    key = str(key)
    if not PLAIN_KEY.match(key):
        key = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"ratelimit:{scope}:{key}:{window_start}"


def seconds_left(window_seconds, now=None):
    """Seconds until the current window of `window_seconds` ends (at least 1)."""
    now, window_start = _window(window_seconds, now)
    return max(1, int(window_start + window_seconds - now + 0.999))


def window_ends_at(window_seconds, now=None):
    """The Unix time at which the current window of `window_seconds` ends."""
    _, window_start = _window(window_seconds, now)
    return window_start + window_seconds


def count(scope, key, *, window_seconds, now=None):
    """How many times `key` was counted in `scope` in the current window (nothing is added)."""
    _, window_start = _window(window_seconds, now)
    return cache.get(cache_key(scope, key, window_start), 0)


def add(scope, key, *, window_seconds, now=None):
    """Count one more for `key` in `scope`; the count in the current window, this one included.

    Fixed windows aligned to multiples of `window_seconds` (Unix time): cheap (one add, one incr,
    both atomic in LocMemCache and Redis, so concurrent processes never lose a count) and good
    enough against enumeration.
    """
    _, window_start = _window(window_seconds, now)
    entry = cache_key(scope, key, window_start)
    cache.add(entry, 0, timeout=window_seconds + 1)
    try:
        return cache.incr(entry)
    except ValueError:
        # The entry expired between add and incr: this request starts a new window.
        cache.add(entry, 1, timeout=window_seconds + 1)
        return 1


def forget(scope, key, *, window_seconds, now=None):
    """Drop the current window's count of `key` in `scope`."""
    _, window_start = _window(window_seconds, now)
    cache.delete(cache_key(scope, key, window_start))


def hit(scope, key, *, limit, window_seconds, now=None):
    """Count one request of `key` in `scope`; raise RateLimited once `limit` is exceeded."""
    now, _ = _window(window_seconds, now)
    counted = add(scope, key, window_seconds=window_seconds, now=now)
    if counted > limit:
        raise RateLimited(retry_after=seconds_left(window_seconds, now))
    return counted


def check_request(request, scope, *, limit, window_seconds):
    """`hit` keyed by the request's client (`client_key`)."""
    return hit(scope, client_key(request), limit=limit, window_seconds=window_seconds)
