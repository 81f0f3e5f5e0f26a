"""Revoking and re-issuing certificates: a head of the issuing department, with a reason."""

import pytest
from django.utils import translation

from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions import do_revoke_certificate, do_supersede_certificate
from onewindow.delivery.constants import CertificateState
from onewindow.delivery.models import Certificate

pytestmark = pytest.mark.django_db


def _unchanged(certificate):
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    assert certificate.revoked_at is None and certificate.reason == ""
    assert not AuditEntry.objects.filter(
        object_type="delivery.certificate",
        action__in=["revoke_certificate", "supersede_certificate"],
    ).exists()


def test_a_head_of_the_issuing_department_revokes_with_a_reason(issue, head_market):
    certificate = issue()
    do_revoke_certificate(certificate, reason="以欺骗手段取得许可", acting_user=head_market)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.REVOKED
    assert certificate.revoked_at is not None and certificate.revoked_by == head_market
    assert certificate.reason == "以欺骗手段取得许可"
    entry = AuditEntry.objects.get(action="revoke_certificate", object_id=str(certificate.pk))
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "valid",
        "revoked",
        "以欺骗手段取得许可",
    )
    assert entry.actor == head_market


@pytest.mark.parametrize("who", ["reviewer_market", "head_fire", "clerk"])
def test_only_a_head_of_the_issuing_department_may_revoke(request, issue, who):
    certificate = issue()
    user = request.getfixturevalue(who)
    with pytest.raises(CaseActionError) as error:
        do_revoke_certificate(certificate, reason="理由", acting_user=user)
    assert error.value.status == 403 and error.value.code == "forbidden"
    assert error.value.message == "只有发证部门负责人可以撤销或换发证照"
    with translation.override("en"), pytest.raises(CaseActionError) as error:
        do_revoke_certificate(certificate, reason="理由", acting_user=user)
    assert error.value.message.startswith("Only a head of the issuing department")
    _unchanged(certificate)


@pytest.mark.parametrize("reason", ["", "   ", "长" * 501])
def test_a_reason_is_required_and_bounded(issue, head_market, reason):
    certificate = issue()
    with pytest.raises(CaseActionError) as error:
        do_revoke_certificate(certificate, reason=reason, acting_user=head_market)
    assert error.value.status == 422 and error.value.code == "invalid_input"
    assert error.value.detail[0]["loc"] == ["reason"]
    _unchanged(certificate)


def test_a_revoked_certificate_cannot_be_revoked_or_reissued_again(issue, head_market):
    certificate = issue()
    do_revoke_certificate(certificate, reason="撤销", acting_user=head_market)
    for action in (do_revoke_certificate, do_supersede_certificate):
        with pytest.raises(CaseActionError) as error:
            action(certificate, reason="再来一次", acting_user=head_market)
        assert error.value.status == 409 and error.value.code == "wrong_state"
    assert Certificate.objects.count() == 1


def test_superseding_issues_a_new_number_and_marks_the_old_one(issue, head_market):
    old = issue()
    new = do_supersede_certificate(old, reason="持证人名称变更", acting_user=head_market)
    old.refresh_from_db()
    assert old.state == CertificateState.SUPERSEDED and old.superseded_by == new
    assert new.state == CertificateState.VALID and new.number != old.number
    assert new.number.endswith("-000002")
    assert (new.valid_from, new.valid_until) == (old.valid_from, old.valid_until)
    assert '"supersedes":"' + old.number + '"' in new.payload
    assert new.pdf and new.pdf_sha256 != old.pdf_sha256
    entry = AuditEntry.objects.get(action="supersede_certificate", object_id=str(old.pk))
    assert entry.details["superseded_by"] == new.number


def test_a_non_head_cannot_supersede(issue, reviewer_market):
    certificate = issue()
    with pytest.raises(CaseActionError) as error:
        do_supersede_certificate(certificate, reason="换发", acting_user=reviewer_market)
    assert error.value.status == 403
    _unchanged(certificate)
    assert Certificate.objects.count() == 1


# --- the staff page ---------------------------------------------------------------------------


def test_the_head_sees_the_revoke_form_and_revokes_on_the_page(client, issue, head_market):
    certificate = issue()
    client.force_login(head_market)
    page = client.get(f"/certificates/{certificate.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert certificate.number in html and "撤销证照" in html
    assert f"/certificates/{certificate.pk}/pdf/" in html
    unconfirmed = client.post(
        f"/certificates/{certificate.pk}/revoke/", {"reason": "许可依据已废止"}
    )
    assert unconfirmed.status_code == 422
    assert "此操作不可撤回" in unconfirmed.content.decode()
    _unchanged(certificate)
    response = client.post(
        f"/certificates/{certificate.pk}/revoke/", {"reason": "许可依据已废止", "confirm": "yes"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.REVOKED


def test_a_reviewer_sees_no_revoke_form_and_a_post_is_refused(client, issue, reviewer_market):
    certificate = issue()
    client.force_login(reviewer_market)
    page = client.get(f"/certificates/{certificate.pk}/")
    assert page.status_code == 200 and "撤销证照" not in page.content.decode()
    response = client.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "理由"})
    assert response.status_code == 403
    assert "只有发证部门负责人" in response.content.decode()
    _unchanged(certificate)


def test_a_revoke_without_reason_on_the_page_says_so(client, issue, head_market):
    certificate = issue()
    client.force_login(head_market)
    response = client.post(
        f"/certificates/{certificate.pk}/revoke/", {"reason": "", "confirm": "yes"}
    )
    assert response.status_code == 422 and "须填写理由" in response.content.decode()
    _unchanged(certificate)


def test_the_pdf_downloads_for_staff_who_see_the_case(client, issue, clerk, head_fire):
    certificate = issue()
    client.force_login(clerk)
    response = client.get(f"/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # The window case page links to it.
    assert (
        f"/certificates/{certificate.pk}/pdf/"
        in client.get(f"/window/cases/{certificate.case.pk}/").content.decode()
    )
    client.force_login(head_fire)  # fire neither reviews nor leads the case
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 404
    client.logout()
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 302


def test_the_admin_lists_certificates_read_only(client, issue, django_user_model):
    certificate = issue()
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    listing = client.get("/admin/delivery/certificate/")
    assert listing.status_code == 200 and certificate.number in listing.content.decode()
    assert client.get("/admin/delivery/certificate/add/").status_code == 403
