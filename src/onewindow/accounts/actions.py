"""Writes to staff accounts that staff make themselves (API tokens live in tokens.py)."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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


@transaction.atomic
def do_set_language(user, *, language, acting_user, client_address=None):
    """The language `user`'s messages are written in (in-app notices, settings.LANGUAGES).

    An unknown code raises ValidationError and writes nothing."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("不支持的语言"), code="invalid_language")
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        action="set_language",
        obj=user,
        acting_user=acting_user,
        client_address=client_address,
        details={"from": before, "to": language},
    )
    return user
