"""What other apps add to the case engine and its pages, without cases importing them.

cases sits under delivery (and the apps to come): they import cases, so cases must not import
them back at module level (an import cycle between apps; tests/cases/test_app_imports.py). Where
a case step starts other apps' work, or a case page shows other apps' data, cases names a hook
here and the other app fills it from its AppConfig.ready():

- `case_decided` (a Django signal, sent inside the deciding transaction, kwargs `case_id`):
  delivery enqueues the issue of the result (delivery/apps.py).
- `visit_made` (signal, kwargs `case_id`, `kind` ("intake" or "supplement"), `service_point_id`,
  `clerk_id`, `at`, and `batch`: the acceptance's SQL batch, or None outside one): delivery
  records the applicant's visit (最多跑一次) in its own table.
- `tolerated_materials_arrived` (signal, kwargs `case`, `acting_user`): the last 容缺 material
  came; delivery sends on a result it held for them.
- page parts (`add_page_part(page, function)`): each function returns a dict merged into the
  page's context. Pages: "window_case" (request, case, forms_, masked), "public_case" (case),
  "supervision_stuck" (before), "supervision_visits" (). A page with no part registered gets
  nothing from it, so cases runs alone.
"""

from django.dispatch import Signal

case_decided = Signal()
visit_made = Signal()
tolerated_materials_arrived = Signal()

PAGES = ("window_case", "public_case", "supervision_stuck", "supervision_visits")
_PARTS = {page: [] for page in PAGES}


def add_page_part(page, function):
    """Register `function` for `page` (idempotent: ready() may run twice in tests)."""
    if page not in _PARTS:
        raise ValueError(f"unknown page {page!r}")
    if function not in _PARTS[page]:
        _PARTS[page].append(function)


def page_parts(page, *args, **kwargs):
    """The merged context the registered parts give for `page`."""
    context = {}
    for function in _PARTS[page]:
        context.update(function(*args, **kwargs))
    return context
