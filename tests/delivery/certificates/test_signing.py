"""Ed25519 signatures of certificates: the published key checks them, any change breaks them."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization

from onewindow.delivery import signing
from tests.openapi import ApiClient

pytestmark = pytest.mark.django_db


def test_the_public_key_is_published_as_pem_and_in_the_api(client):
    pem = client.get("/verify/public-key.pem")
    assert pem.status_code == 200 and pem["Content-Type"] == "application/x-pem-file"
    assert pem.content.startswith(b"-----BEGIN PUBLIC KEY-----")
    body = ApiClient(client).get("/api/certificates/public-key").json()
    assert body["public_key_pem"] == pem.content.decode()
    assert body["algorithm"] == "Ed25519"
    # The key id: first 16 hex digits of the SHA-256 of the raw 32-byte key.
    raw = serialization.load_pem_public_key(pem.content).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert len(raw) == 32
    assert body["key_id"] == hashlib.sha256(raw).hexdigest()[:16] == pem["X-Key-Id"]


def test_the_signature_verifies_with_the_published_key_and_fails_on_any_change(client, issue):
    certificate = issue()
    pem = client.get("/verify/public-key.pem").content.decode()
    assert signing.check_signature(certificate.payload, certificate.signature, pem)
    data = json.loads(certificate.payload)
    for key, value in data.items():
        changed = dict(data)
        changed[key] = "改" if value != "改" else "变"
        altered = signing.canonical(changed).decode()
        assert not signing.check_signature(altered, certificate.signature, pem), key
    # One byte more, and a signature of another payload.
    assert not signing.check_signature(certificate.payload + " ", certificate.signature, pem)
    other = issue()
    assert not signing.check_signature(certificate.payload, other.signature, pem)


def test_another_key_does_not_verify(issue, tmp_path):
    certificate = issue()
    signing.generate_key_file(tmp_path / "other.pem")
    other = serialization.load_pem_private_key((tmp_path / "other.pem").read_bytes(), None)
    assert not signing.check_signature(
        certificate.payload, certificate.signature, signing.public_pem(other.public_key())
    )


def test_a_garbled_signature_is_simply_not_valid(issue):
    certificate = issue()
    pem = signing.public_pem(signing.public_key())
    for garbled in ("", "not base64!", "QUJD", certificate.signature[:-4] + "AAAA"):
        assert not signing.check_signature(certificate.payload, garbled, pem)


def test_the_demo_generates_a_key_when_missing_and_keeps_it(settings, tmp_path):
    settings.ONEWINDOW_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.pem")
    first = signing.current_key_id()
    assert (tmp_path / "keys" / "signing.pem").stat().st_mode & 0o777 == 0o600
    assert signing.current_key_id() == first
    assert not signing.generate_key_file(tmp_path / "keys" / "signing.pem")  # never overwritten


def test_retired_public_keys_still_verify_after_a_rotation(settings, tmp_path, issue):
    certificate = issue()
    old_public = tmp_path / "retired.pem"
    old_public.write_text(signing.public_pem(signing.public_key()))
    settings.ONEWINDOW_SIGNING_KEY_FILE = str(tmp_path / "new.pem")
    settings.ONEWINDOW_SIGNING_RETIRED_PUBLIC_KEYS = [str(old_public)]
    assert signing.current_key_id() != certificate.key_id
    assert certificate.key_id in signing.public_keys()


def _settings_in_production(**env):
    """Import the settings in a fresh interpreter, in production mode, with `env`."""
    environment = {k: v for k, v in os.environ.items() if k != "ONEWINDOW_SIGNING_KEY_FILE"}
    environment.update(
        ONEWINDOW_MODE="production",
        SECRET_KEY="k7Qp2vX9mR4tL8wZ1nB6cF3hJ5yD0sG7aE2uI9oP4qW8xV1zN3",
        ONEWINDOW_COURIER_WEBHOOK_SECRET="3f9a7c1e5b2d8f4a6c0e9b7d1f3a5c8e",
        ONEWINDOW_COURIER_KEY="ems-7f3a9c1e5b2d8f4a",
        ONEWINDOW_PUBLIC_URL="https://zwfw.example.gov.cn",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import onewindow.settings"],
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_configured_key(tmp_path):
    missing = _settings_in_production()
    assert missing.returncode != 0 and "ONEWINDOW_SIGNING_KEY_FILE" in missing.stderr
    absent = _settings_in_production(ONEWINDOW_SIGNING_KEY_FILE=str(tmp_path / "none.pem"))
    assert absent.returncode != 0 and "ONEWINDOW_SIGNING_KEY_FILE" in absent.stderr
    signing.generate_key_file(tmp_path / "key.pem")
    present = _settings_in_production(ONEWINDOW_SIGNING_KEY_FILE=str(tmp_path / "key.pem"))
    assert present.returncode == 0, present.stderr


def test_the_offline_check_of_the_docs_works_with_pypdf_and_cryptography_only(client, issue):
    # docs/certificates.md, "Verifying offline", step by step.
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    from pypdf import PdfReader

    certificate = issue()
    pem = client.get("/verify/public-key.pem").content
    attachment = json.loads(PdfReader(certificate.pdf.path).attachments["certificate.json"][0])
    key = load_pem_public_key(pem)
    key.verify(base64.b64decode(attachment["signature"]), attachment["payload"].encode())
    assert json.loads(attachment["payload"])["holder_name"] == "王小红"
    with pytest.raises(InvalidSignature):
        key.verify(
            base64.b64decode(attachment["signature"]),
            attachment["payload"].replace("王小红", "赵大力").encode(),
        )
