from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from onewindow.accounts.actions import do_change_password, do_set_language
from onewindow.core.ratelimit import client_address


@sensitive_post_parameters()
@login_required
def password_change(request):
    """A staff member changes their own password; the password rules apply (accounts/passwords.py)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = do_change_password(
            request.user,
            new_password=form.cleaned_data["new_password1"],
            acting_user=request.user,
            client_address=client_address(request),
        )
        # The password is part of the session's hash: keep this session signed in.
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return _render(request, form)


def _render(request, form, *, status=200, language_error=None):
    context = {
        "form": form,
        "languages": settings.LANGUAGES,
        "language_error": language_error,
    }
    return render(request, "accounts/password_change.html", context, status=status)


@login_required
@require_POST
def language(request):
    """A staff member chooses the language of their messages (and of the pages they see)."""
    try:
        user = do_set_language(
            request.user,
            language=request.POST.get("language", ""),
            acting_user=request.user,
            client_address=client_address(request),
        )
    except ValidationError as error:
        return _render(
            request, PasswordChangeForm(request.user), status=422, language_error=error.messages[0]
        )
    response = redirect("accounts:password_change")
    # The pages follow the same choice: Django's language cookie, as the switcher sets it.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    with translation.override(user.language):
        messages.success(request, _("消息语言已保存。"))
    return response
