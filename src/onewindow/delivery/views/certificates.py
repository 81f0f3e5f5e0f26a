"""Certificate pages: the public verification page (证书真伪查询, no sign-in, kiosk-friendly), the
published public key, and the staff page of a certificate (PDF, revoke and re-issue for heads)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from onewindow.cases.errors import CaseActionError, require_confirmation
from onewindow.cases.permissions import heads
from onewindow.cases.queries import cases_visible_to
from onewindow.core import ratelimit
from onewindow.delivery import signing, verification
from onewindow.delivery.actions import do_revoke_certificate, do_supersede_certificate
from onewindow.delivery.api.certificates import (
    RATE_LIMIT,
    RATE_SCOPE,
    RATE_WINDOW_SECONDS,
)
from onewindow.delivery.constants import CertificateState
from onewindow.delivery.models import Certificate


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("证照编号"), max_length=verification.NUMBER_MAX_LENGTH, strip=True
    )
    holder_name = forms.CharField(
        label=_("持证人姓名或单位名称"), max_length=verification.NAME_MAX_LENGTH, strip=True
    )


class VerifyPdfForm(forms.Form):
    file = forms.FileField(label=_("证照 PDF 文件"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def _rate_limited(request):
    try:
        ratelimit.check_request(
            request, RATE_SCOPE, limit=RATE_LIMIT, window_seconds=RATE_WINDOW_SECONDS
        )
    except ratelimit.RateLimited as limited:
        context = {"retry_after": limited.retry_after, "limit": RATE_LIMIT}
        response = render(request, "delivery/verify_rate_limited.html", context, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    return None


def verify(request):
    """GET: the form; `?number=&code=` (the QR code) verifies at once. POST: by number and holder
    name, or (`file`) by the PDF."""
    context = {"form": VerifyForm(), "pdf_form": VerifyPdfForm(), "limit": RATE_LIMIT}
    status = 200
    number, code = request.GET.get("number", "")[:48].strip(), request.GET.get("code", "")[:32]
    if request.method == "POST" or (number and code):
        limited = _rate_limited(request)
        if limited is not None:
            return limited
    if request.method == "POST" and "file" in request.FILES:
        upload = request.FILES["file"]
        try:
            content = verification.read_pdf_upload(upload)
            context["answer"] = verification.check_pdf(content, name=upload.name)
            context["by_pdf"] = True
        except CaseActionError as error:
            context["error"], status = error.message, error.status
    elif request.method == "POST" and request.POST.get("mode") == "pdf":
        context["error"], status = _("请选择要核验的 PDF 文件"), 422
    elif request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            context["answer"] = verification.verify_number(
                data["number"], holder_name=data["holder_name"]
            )
            form = VerifyForm(initial={"number": data["number"]})
        else:
            status = 422
        context["form"] = form
    elif number and code:
        context["answer"] = verification.verify_number(number, code=code)
        context["form"] = VerifyForm(initial={"number": number})
    if "answer" in context and context["answer"].certificate is not None:
        certificate = context["answer"].certificate
        context["holder"] = verification.public_holder_name(certificate)
    response = render(request, "delivery/verify.html", context, status=status)
    add_never_cache_headers(response)
    return response


def public_key_pem(request):
    response = HttpResponse(
        signing.public_pem(signing.public_key()), content_type="application/x-pem-file"
    )
    response["X-Key-Id"] = signing.current_key_id()
    return response


# --- staff ------------------------------------------------------------------------------------


def _certificate(request, pk):
    """A certificate of a case the user may see (others answer 404, like a missing one)."""
    visible = cases_visible_to(request.user).values("pk")
    return get_object_or_404(
        Certificate.objects.select_related("case", "department", "revoked_by", "superseded_by"),
        pk=pk,
        case__in=visible,
    )


def _render(request, certificate, *, error=None, status=200, form=None):
    context = {
        "certificate": certificate,
        "answer": verification.answer_for(certificate),
        "is_head": heads(request.user, certificate.department_id),
        "can_end": certificate.state == CertificateState.VALID,
        "form": form or ReasonForm(),
        "error": error,
        "public_url": settings.ONEWINDOW_PUBLIC_URL,
    }
    return render(request, "delivery/certificate.html", context, status=status)


@login_required
def certificate_page(request, pk):
    return _render(request, _certificate(request, pk))


@login_required
def certificate_pdf(request, pk):
    certificate = _certificate(request, pk)
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{certificate.number}.pdf",
    )


def _end_view(action, success, *, confirm=False):
    """A head ends a certificate; with `confirm` (revoking: it cannot be undone) the posted form
    must carry the ticked confirmation box, checked after who may do it (the action's 403)."""

    @login_required
    @require_POST
    def view(request, pk):
        certificate = _certificate(request, pk)
        form = ReasonForm(request.POST)
        reason = request.POST.get("reason", "")
        try:
            if confirm and heads(request.user, certificate.department_id):
                require_confirmation(request.POST)
            result = action(
                certificate,
                reason=reason,
                acting_user=request.user,
                client_address=ratelimit.client_address(request),
            )
        except CaseActionError as error:
            return _render(
                request, certificate, error=error.message, status=error.status, form=form
            )
        messages.success(request, success)
        return redirect("delivery:certificate", pk=result.pk)

    return view


revoke = _end_view(do_revoke_certificate, _("证照已撤销。"), confirm=True)
supersede = _end_view(do_supersede_certificate, _("已换发新证照，原证照已标记为已换发。"))

urlpatterns = [
    path("verify/", verify, name="verify"),
    path("verify/public-key.pem", public_key_pem, name="public_key"),
    path("certificates/<int:pk>/", certificate_page, name="certificate"),
    path("certificates/<int:pk>/pdf/", certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", revoke, name="revoke"),
    path("certificates/<int:pk>/supersede/", supersede, name="supersede"),
]
