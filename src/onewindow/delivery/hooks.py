"""Delivery's answers to the case engine's hooks (cases/hooks.py), connected in DeliveryConfig.ready.

cases does not import delivery (the two used to import each other); it sends signals and asks for
page parts, and this module fills them: the issue of a decided case's result, the applicant's
visits (最多跑一次), the delivery panel of the window's case page and of the public progress page,
and the supervision board's rows that are delivery's."""

from onewindow.cases import hooks


def issue_when_decided(sender, *, case_id, **kwargs):
    from onewindow.delivery.tasks import enqueue_issue_result

    enqueue_issue_result(case_id)


def record_visit(sender, *, case_id, kind, service_point_id, clerk_id, at, batch=None, **kwargs):
    """One visit row; inside the acceptance's SQL batch when there is one (no extra round trip)."""
    from onewindow.delivery.constants import VisitKind
    from onewindow.delivery.models import Visit

    values = {
        "case_id": case_id,
        "kind": VisitKind(kind),
        "service_point_id": service_point_id,
        "clerk_id": clerk_id,
        "at": at,
    }
    if batch is None:
        Visit.objects.create(**values)
    else:
        batch.insert_row(Visit, values, alongside=True)  # neither reads nor writes the materials


def route_held_result(sender, *, case, acting_user, **kwargs):
    from onewindow.delivery.actions.routing import tolerated_materials_arrived

    tolerated_materials_arrived(case, acting_user=acting_user)


def window_case(request, case, forms_, *, masked):
    from onewindow.delivery.pages import case_page_context
    from onewindow.delivery.panels import case_panel

    return {
        **case_panel(request, case, forms_),
        **case_page_context(case, delivery_form=forms_.get("delivery_form"), masked=masked),
    }


def public_case(case):
    from onewindow.delivery.pages import public_context

    return public_context(case)


def supervision_stuck(before):
    from onewindow.delivery.queries import unbooked_parcels

    return {"stuck_parcels": unbooked_parcels(before)}


def supervision_visits():
    from onewindow.delivery.queries import visits_over_promise

    return {"visits_over_promise": visits_over_promise()}


def connect():
    hooks.case_decided.connect(issue_when_decided, dispatch_uid="delivery.issue_when_decided")
    hooks.visit_made.connect(record_visit, dispatch_uid="delivery.record_visit")
    hooks.tolerated_materials_arrived.connect(
        route_held_result, dispatch_uid="delivery.route_held_result"
    )
    hooks.add_page_part("window_case", window_case)
    hooks.add_page_part("public_case", public_case)
    hooks.add_page_part("supervision_stuck", supervision_stuck)
    hooks.add_page_part("supervision_visits", supervision_visits)
