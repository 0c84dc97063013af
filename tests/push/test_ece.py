"""RFC 8291 encryption: the RFC's own example byte for byte, and messages a browser's keys decrypt."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from shinjuku_pwa.push.ece import MAX_PLAINTEXT, KeyRefused, b64url_decode, encrypt
from tests.push.browser_keys import BrowserKeys, b64url


def test_the_worked_example_of_rfc_8291_appendix_a_comes_out_byte_for_byte():
    as_private = ec.derive_private_key(int.from_bytes(b64url_decode("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")),
                                       ec.SECP256R1())
    body = encrypt(
        b"When I grow up, I want to be a watermelon",
        p256dh="BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        auth="BTBZMqHH6r4Tts7J_aSIgg",
        salt=b64url_decode("DGv6ra1nlYgDCS1FRnbzlw"),
        private_key=as_private,
    )
    assert base64.urlsafe_b64encode(body).decode().rstrip("=") == (
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_"
        "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    )


@pytest.mark.parametrize("payload", [b"", b"{}", "避難所を開設しました。".encode(), b"x" * MAX_PLAINTEXT])
def test_a_browser_decrypts_what_we_encrypt_with_a_fresh_key_and_salt_every_time(payload):
    keys = BrowserKeys()
    first = encrypt(payload, keys.p256dh, keys.auth)
    second = encrypt(payload, keys.p256dh, keys.auth)
    assert keys.decrypt(first) == payload and keys.decrypt(second) == payload
    assert first[:16] != second[:16] and first[21:86] != second[21:86]  # salt, then our public key
    assert len(first) <= 4096


def test_a_payload_larger_than_one_record_is_refused():
    keys = BrowserKeys()
    with pytest.raises(ValueError, match="does not fit"):
        encrypt(b"x" * (MAX_PLAINTEXT + 1), keys.p256dh, keys.auth)


@pytest.mark.parametrize(("p256dh", "auth"), [
    ("not base64!", "BTBZMqHH6r4Tts7J_aSIgg"),
    (b64url(b"\x04" + b"\x01" * 64), "BTBZMqHH6r4Tts7J_aSIgg"),  # not a point on the curve
    (BrowserKeys().p256dh, b64url(b"short")),
])
def test_keys_a_browser_could_not_have_made_are_refused(p256dh, auth):
    with pytest.raises(KeyRefused):
        encrypt(b"{}", p256dh, auth)
