"""The append-only audit log. Actions call record() inside their transaction."""

from onewindow.core.models import AuditEntry


def record(
    *,
    action,
    obj=None,
    object_type="",
    object_id="",
    acting_user=None,
    from_state="",
    to_state="",
    reason="",
    client_address=None,
    details=None,
):
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    role = getattr(acting_user, "role", "") if acting_user is not None else ""
    return AuditEntry.objects.create(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        actor=acting_user if acting_user is not None and acting_user.pk else None,
        actor_role=role or "",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        client_address=client_address,
        details=details or {},
    )
