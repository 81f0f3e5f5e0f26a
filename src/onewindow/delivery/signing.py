"""Ed25519 keys and signatures of certificates.

The private key is a PEM (PKCS#8) file named by ONEWINDOW_SIGNING_KEY_FILE; the demo generates one
under var/keys/ when it is missing, production refuses to start without a configured file. The
public key is published at /verify/public-key.pem and GET /api/certificates/public-key. The key
id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key.

`check_signature(payload, signature, public_key_pem)` is the whole offline check: it needs nothing
of this platform but the published public key (see docs/certificates.md).
"""

import base64
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

ALGORITHM = "Ed25519"


def canonical(data):
    """The bytes that are signed: JSON with sorted keys, no whitespace, UTF-8 (not \\u escapes)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def key_id(public_key):
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key):
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def generate_key_file(path):
    """Write a new private key to `path` (mode 0600) unless a file is already there; True when
    written. O_EXCL: two processes starting at once never overwrite each other's key."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return True


@cache
def _load(path, mtime):
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def private_key():
    """The configured signing key (read once per file version). In demo mode a missing file is
    generated; in production it is an error (settings already refuse to start without one)."""
    path = Path(settings.ONEWINDOW_SIGNING_KEY_FILE)
    if not path.exists() and settings.ONEWINDOW_MODE != "production":
        generate_key_file(path)
    return _load(str(path), path.stat().st_mtime_ns)


def public_key():
    return private_key().public_key()


def current_key_id():
    return key_id(public_key())


@cache
def _retired(paths):
    keys = {}
    for path in paths:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
        keys[key_id(key)] = key
    return keys


def public_keys():
    """key id → public key: the current one and the retired ones still trusted for checking
    (ONEWINDOW_SIGNING_RETIRED_PUBLIC_KEYS, after a key rotation)."""
    keys = dict(_retired(tuple(settings.ONEWINDOW_SIGNING_RETIRED_PUBLIC_KEYS)))
    current = public_key()
    keys[key_id(current)] = current
    return keys


def sign(payload_bytes):
    """(signature as base64, key id) of `payload_bytes` with the configured key."""
    key = private_key()
    return base64.b64encode(key.sign(payload_bytes)).decode(), key_id(key.public_key())


def check_signature(payload, signature, public_key_pem):
    """The offline check: True when `signature` (base64) is the Ed25519 signature of `payload`
    (the canonical JSON, as str or bytes) by the key in `public_key_pem`."""
    key = serialization.load_pem_public_key(
        public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem
    )
    if not isinstance(key, Ed25519PublicKey):
        return False
    return verify_with(key, payload, signature)


def verify_with(key, payload, signature):
    data = payload.encode() if isinstance(payload, str) else payload
    try:
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
