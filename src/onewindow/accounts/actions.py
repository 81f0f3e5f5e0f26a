"""Writes to staff accounts that staff make themselves (API tokens live in tokens.py)."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from onewindow.core import audit


@transaction.atomic
def do_change_password(user, *, new_password, acting_user, client_address=None):
    """Set `user`'s password after the password rules (settings.AUTH_PASSWORD_VALIDATORS).

    Raises ValidationError, and writes nothing, when a rule refuses it. The audit row says who
    changed it and from where; neither password is recorded.
    """
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(
        action="change_password", obj=user, acting_user=acting_user, client_address=client_address
    )
    return user
