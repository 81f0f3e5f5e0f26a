from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from onewindow.accounts.actions import do_change_password
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
    return render(request, "accounts/password_change.html", {"form": form})
