"""Staff sessions end after ONEWINDOW_SESSION_IDLE_MINUTES without a request.

SESSION_COOKIE_AGE is the idle time, so a session's row and cookie expire that long after the
session was last saved. Saving it on every request (SESSION_SAVE_EVERY_REQUEST) would turn every
page view into a database write; this middleware saves it at most once a minute, so that a signed-in
clerk stays signed in while working and is signed out after the idle time, give or take a minute.
Signing in stamps the new session (`stamp_new_session`), so the first page after it writes nothing.
"""

import time

TOUCH_KEY = "_onewindow_touched"
TOUCH_EVERY_SECONDS = 60


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A session that is empty or being deleted (sign-out) has nothing to keep alive.
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCH_KEY, 0) >= TOUCH_EVERY_SECONDS:
                session[TOUCH_KEY] = now
        return response


def stamp_new_session(sender, request, user, **kwargs):
    """user_logged_in receiver: the session saved by the sign-in counts as freshly touched."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCH_KEY] = int(time.time())
