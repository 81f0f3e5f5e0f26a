"""How many wrong codes a locker keypad takes, and from whom (docs/pickup-and-lockers.md has the
arithmetic).

Two fixed-window counters in the shared rate-limit cache (core.ratelimit), none on the cabinet:

- per client and cabinet: ONEWINDOW_LOCKER_MAX_ATTEMPTS wrong codes per window of
  ONEWINDOW_LOCKER_LOCKOUT_MINUTES; then that client (an address, an IPv6 /64) waits for the end
  of the window. Nobody else does.
- per waiting code: a wrong code would have opened any compartment of the cabinet whose code it
  was, so it counts as one miss against every code waiting there. A code missed more than
  ONEWINDOW_LOCKER_GUESSES_PER_CODE_HOUR times in a clock hour does not open its compartment until
  the hour ends, and is answered exactly like a wrong code, so that the hold never tells a guesser
  that a guess was right. The default (20) is what one client can type in an hour (5 per quarter),
  so one client alone can never hold anybody's compartment.
"""

from datetime import UTC, datetime

from django.conf import settings

from onewindow.core import ratelimit

CODE_WINDOW_SECONDS = 3600


def _client_window():
    return settings.ONEWINDOW_LOCKER_LOCKOUT_MINUTES * 60


def _client(locker, client_address):
    return f"{locker.pk}:{ratelimit.address_key(client_address)}"


def _moment(seconds):
    return datetime.fromtimestamp(seconds, tz=UTC)


def client_locked_until(locker, client_address, now):
    """The end of the client's lock-out at `locker` (an aware datetime), or None."""
    window = _client_window()
    wrong = ratelimit.count(
        "locker-client", _client(locker, client_address), window_seconds=window, now=now
    )
    if wrong < settings.ONEWINDOW_LOCKER_MAX_ATTEMPTS:
        return None
    return _moment(ratelimit.window_ends_at(window, now))


def count_wrong_code(locker, client_address, waiting_deposits, now):
    """One wrong code by the client at `locker`, missed by every code in `waiting_deposits`
    (pks). Returns (attempts the client has left, deposit pks that this miss put on hold)."""
    wrong = ratelimit.add(
        "locker-client", _client(locker, client_address), window_seconds=_client_window(), now=now
    )
    newly_held = []
    for pk in waiting_deposits:
        missed = ratelimit.add("locker-code", pk, window_seconds=CODE_WINDOW_SECONDS, now=now)
        if missed == settings.ONEWINDOW_LOCKER_GUESSES_PER_CODE_HOUR + 1:
            newly_held.append(pk)
    return settings.ONEWINDOW_LOCKER_MAX_ATTEMPTS - wrong, newly_held


def is_held(deposit_pk, now):
    """Whether the code of this waiting deposit was missed too often this hour to open now."""
    missed = ratelimit.count("locker-code", deposit_pk, window_seconds=CODE_WINDOW_SECONDS, now=now)
    return missed > settings.ONEWINDOW_LOCKER_GUESSES_PER_CODE_HOUR


def held_until(waiting_deposits, now):
    """When the holds on codes of `waiting_deposits` end, or None when no code is held."""
    if any(is_held(pk, now) for pk in waiting_deposits):
        return _moment(ratelimit.window_ends_at(CODE_WINDOW_SECONDS, now))
    return None


def forget_client(locker, client_address, now):
    """The client opened a compartment: its earlier typing mistakes stop counting (a kiosk in the
    hall is one address for everybody who stands at it)."""
    ratelimit.forget(
        "locker-client", _client(locker, client_address), window_seconds=_client_window(), now=now
    )
