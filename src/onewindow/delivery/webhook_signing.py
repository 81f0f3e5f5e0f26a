"""The courier webhook's signature: HMAC-SHA256 over `timestamp + "." + body` with the shared
secret, hex-encoded, sent as X-Courier-Signature beside X-Courier-Timestamp (Unix seconds).

Signing the timestamp with the body means an old call cannot be replayed with a fresh timestamp;
the receiver refuses timestamps outside its tolerance window. Pure: used by the webhook and by the
courier simulator alike.
"""

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Courier-Timestamp"
SIGNATURE_HEADER = "X-Courier-Signature"


def sign(secret, timestamp, body):
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret, body, *, now=None):
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def refusal(secret, *, timestamp, signature, body, tolerance, now=None):
    """Why this call must be refused ("missing_signature", "bad_signature", "stale_timestamp"),
    or None when the signature is good and the timestamp within `tolerance` seconds."""
    if not timestamp or not signature:
        return "missing_signature"
    expected = sign(secret, timestamp, body)
    # Constant time: the comparison does not tell how many leading characters were right.
    given = signature.strip().lower().encode("utf-8", "replace")
    if not hmac.compare_digest(expected.encode(), given):
        return "bad_signature"
    try:
        sent = int(timestamp)
    except ValueError:
        return "bad_signature"
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return "stale_timestamp"
    return None
