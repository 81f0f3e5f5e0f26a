"""The public certificate API: the signing public key and verification (证书真伪查询).

No sign-in. Verification is rate-limited per client address, with the page's counter.
"""

from datetime import date
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from ninja import Field, File, Router, Schema, UploadedFile

from onewindow.cases.api.common import _errors
from onewindow.cases.serializers import choice
from onewindow.catalog.api import Choice
from onewindow.core import api_errors
from onewindow.delivery import signing, verification
from onewindow.delivery.constants import CertificateKind, VerificationResult

router = Router(tags=["certificates"])

RATE_LIMIT = settings.ONEWINDOW_VERIFICATIONS_PER_MINUTE
RATE_WINDOW_SECONDS = 60
RATE_SCOPE = "verify"


class PublicKeyOut(Schema):
    key_id: str = Field(description="公钥 SHA-256（原始 32 字节）的前 16 位十六进制。")
    algorithm: Literal["Ed25519"] = Field(description="签名算法。")
    public_key_pem: str = Field(description="PEM（SubjectPublicKeyInfo）格式的公钥。")


class VerifyIn(Schema):
    number: str = Field(
        min_length=1, max_length=48, description="证照编号，例如 SCJGJ-2026-000017。"
    )
    holder_name: str = Field("", max_length=120, description="持证人姓名或单位名称。")
    code: str = Field("", max_length=32, description="证照上的验证码（二维码携带），可代替姓名。")


class VerificationOut(Schema):
    result: Literal[tuple(VerificationResult.values)] = Field(  # type: ignore[valid-type]
        description="valid 真实有效、revoked 已撤销、superseded 已换发、expired 已过期、"
        "not_found 未查到（编号不存在或姓名、验证码不符，回答完全相同）、not_genuine 上传的文件"
        "不是本平台签发的原件或内容被篡改。"
    )
    message: str = Field(description="给人看的结论（中文）。")
    number: str | None = Field(description="证照编号；未查到为 null。")
    kind: Choice | None = Field(description="证照类型。")
    holder_name: str | None = Field(description="持证人：单位为全称，个人脱敏（例如 李*）。")
    holder_id: str | None = Field(description="持证人证件号码或统一社会信用代码（脱敏）。")
    item_name: str | None = Field(description="事项名称。")
    department: str | None = Field(description="发证部门。")
    issued_on: date | None = Field(description="发证日期。")
    valid_from: date | None = Field(description="有效期起。")
    valid_until: date | None = Field(description="有效期至；长期有效为 null。")
    on: date | None = Field(
        description="revoked / superseded：撤销或换发日期；expired：有效期最后一日。"
    )
    superseded_by: str | None = Field(description="换发后的新证照编号（仅 superseded）。")


def serialise(answer):
    certificate = answer.certificate
    body = dict.fromkeys(VerificationOut.model_fields, None)
    body.update(result=answer.result, message=str(answer.label))
    if certificate is None:
        return body
    body.update(
        number=certificate.number,
        kind=choice(CertificateKind, certificate.kind),
        holder_name=verification.public_holder_name(certificate),
        holder_id=certificate.holder_id_masked,
        item_name=certificate.item_name,
        department=certificate.department.name,
        issued_on=certificate.issued_on,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        on=answer.on,
        superseded_by=certificate.superseded_by.number if certificate.superseded_by else None,
    )
    return body


def _limited(request, response):
    return api_errors.rate_limited(
        request, response, RATE_SCOPE, limit=RATE_LIMIT, window_seconds=RATE_WINDOW_SECONDS
    )


RATE_TEXT = f"每个客户端地址每 {RATE_WINDOW_SECONDS} 秒最多 {RATE_LIMIT} 次（与核验页面共用），超出返回 429 rate_limited 和 Retry-After。"


@router.get(
    "/public-key",
    auth=None,
    response={200: PublicKeyOut},
    summary="证照签名公钥",
    description="验证证照签名的公钥（亦见 /verify/public-key.pem）。离线核验方法见 docs/certificates.md。",
)
def public_key(request):
    key = signing.public_key()
    return {
        "key_id": signing.key_id(key),
        "algorithm": signing.ALGORITHM,
        "public_key_pem": signing.public_pem(key),
    }


@router.post(
    "/verify",
    auth=None,
    response={200: VerificationOut, **_errors(422, 429)},
    summary="Verify a certificate by number (证书真伪查询)",
    description=(
        "无需登录：证照编号 + 持证人姓名（或证照上的验证码）。编号不存在、姓名或验证码不符，"
        "回答都是 result=not_found，且不含其他任何信息。" + RATE_TEXT
    ),
)
def verify(request, response: HttpResponse, payload: VerifyIn):
    limited = _limited(request, response)
    if limited is not None:
        return limited
    answer = verification.verify_number(
        payload.number, holder_name=payload.holder_name, code=payload.code
    )
    return serialise(answer)


@router.post(
    "/verify-pdf",
    auth=None,
    response={200: VerificationOut, **_errors(413, 415, 422, 429)},
    summary="Verify a certificate PDF (上传 PDF 核验)",
    description=(
        "上传证照 PDF（multipart/form-data，字段 file）。只有内嵌签名有效、签名内容与登记一致、"
        "且文件与签发原件完全相同（SHA-256）时才是真件；否则 result=not_genuine。不是 PDF 返回 "
        "415 not_a_pdf，超过大小上限返回 413 upload_too_large。" + RATE_TEXT
    ),
)
def verify_pdf(request, response: HttpResponse, file: File[UploadedFile]):
    limited = _limited(request, response)
    if limited is not None:
        return limited
    content = verification.read_pdf_upload(file)
    return serialise(verification.check_pdf(content, name=file.name))
