"""The case JSON API: intake at the window, department review, supervision, the progress query.

Endpoints are thin: they find what the caller may see (a case the caller may not see answers 404,
like one that does not exist), call one action, and return the result. The actions check roles
and states and raise CaseActionError, which core.api_errors turns into `{"code", "message"}`.
Sign-in: a bearer token or the staff session (accounts.api_auth); the progress query is public.

One router per module (search, window, review, decisions, supervision, detail, public), mounted here on the cases
router, which gives them its tag and its sign-in.
"""

from ninja import Router

from onewindow.accounts.api_auth import API_AUTH
from onewindow.cases.api import decisions, detail, public, review, search, supervision, window

router = Router(tags=["cases"], auth=API_AUTH)
router.add_router("", search.router)
router.add_router("", window.router)
router.add_router("", review.router)
router.add_router("", decisions.router)
router.add_router("", supervision.router)
router.add_router("", detail.router)
router.add_router("", public.router)
