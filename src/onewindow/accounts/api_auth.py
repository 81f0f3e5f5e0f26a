"""How API callers sign in: a bearer token (integrations) or the staff session (our own pages).

Endpoints take `auth=API_AUTH`. The token is tried first: a call carrying a valid token needs no
CSRF token. Without one, the session is used with ninja's CSRF check, as for any cookie auth.
"""

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from onewindow.accounts import tokens
from onewindow.core.api_errors import ApiError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; a revoked token or an inactive account is not signed in."""

    def authenticate(self, request, token):
        user = tokens.authenticate(token)
        if user is None:
            return None
        # Actions and queries read request.user, as they do for a session.
        request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """ninja's django_auth (session cookie + CSRF check), with two differences:

    - an anonymous caller gets 401 not_authenticated rather than a CSRF failure: there is no
      session to protect, and an integration that forgot its token should be told so;
    - a CSRF failure answers in the API's one error shape (403 csrf_failed), not `{"detail"}`.
    """

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise ApiError(
                403,
                "csrf_failed",
                _("CSRF 校验失败，请刷新页面后重试"),
            ) from None

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = TokenAuth()
session_auth = StaffSessionAuth()
API_AUTH = [token_auth, session_auth]
