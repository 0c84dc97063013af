"""Web Push message encryption (RFC 8291, aes128gcm content coding of RFC 8188) on cryptography's primitives.

One record, a fresh ECDH key pair and salt per message, exactly as the RFC says; only the
overhead around the primitives is gone. pywebpush built a WebPusher and went through http_ece
for every message (about 230 µs of Python per message on top of the crypto); here the HKDF
steps are single HMAC-SHA256 calls (every output is at most one block long), and the caller
builds the payload once per notice and language. tests/push/test_ece.py decrypts with
http_ece, an implementation independent of this one.
"""
from __future__ import annotations

import base64
import hmac
import os
import struct

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

RECORD_SIZE = 4096
TAG_BYTES = 16
PADDING_DELIMITER = b"\x02"  # the last (and only) record
# Largest plaintext that fits one 4096-byte record: 4096 - 16 (tag) - 1 (delimiter) - 86 (header).
MAX_PLAINTEXT = RECORD_SIZE - TAG_BYTES - 1 - 86
_CURVE = ec.SECP256R1()
_ECDH = ec.ECDH()
_KEY_INFO = b"WebPush: info\x00"
_CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"
_NONCE_INFO = b"Content-Encoding: nonce\x00\x01"
_RECORD_SIZE_FIELD = struct.pack("!I", RECORD_SIZE)


class KeyRefused(ValueError):
    """The browser's p256dh or auth cannot be used (not a P-256 point, wrong length)."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


def encrypt(payload: bytes, p256dh: str, auth: str, *, salt: bytes | None = None,
            private_key: ec.EllipticCurvePrivateKey | None = None) -> bytes:
    """The request body for one subscriber: header (salt, record size, our public key) and one record.

    `salt` and `private_key` are for tests that check the RFC's worked example; never pass them
    otherwise (both must be new for every message).
    """
    if len(payload) > MAX_PLAINTEXT:
        raise ValueError(f"payload of {len(payload)} bytes does not fit one record")
    try:
        ua_public = b64url_decode(p256dh)
        auth_secret = b64url_decode(auth)
        ua_key = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, ua_public)
    except (ValueError, TypeError) as exc:
        raise KeyRefused("unusable subscription key") from exc
    if len(auth_secret) != 16 or len(ua_public) != 65:
        raise KeyRefused("unusable subscription key")
    as_key = private_key or ec.generate_private_key(_CURVE)
    as_public = as_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    shared = as_key.exchange(_ECDH, ua_key)
    # RFC 8291 section 3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0 || ua || as, 32)
    ikm = _hmac(_hmac(auth_secret, shared), _KEY_INFO + ua_public + as_public + b"\x01")
    salt = salt or os.urandom(16)
    # RFC 8188 section 2.2: PRK = HMAC(salt, IKM); CEK and NONCE are the first block of HKDF-Expand.
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, _CEK_INFO)[:16]
    nonce = _hmac(prk, _NONCE_INFO)[:12]
    record = AESGCM(cek).encrypt(nonce, payload + PADDING_DELIMITER, None)
    return salt + _RECORD_SIZE_FIELD + b"\x41" + as_public + record
