"""Password hashing and rules, and tokens: plain functions, tested without an app."""
from __future__ import annotations

import pytest

from shinjuku_pwa.staff import auth

PROFILE = "CHEAPEST"


def test_passwords_are_hashed_with_argon2id_and_verified():
    stored = auth.hash_password("a long enough passphrase", PROFILE)
    assert stored.startswith("$argon2id$")
    assert "a long enough passphrase" not in stored
    assert auth.verify_password(stored, "a long enough passphrase", PROFILE)
    assert not auth.verify_password(stored, "a long enough passphrasE", PROFILE)


def test_the_default_cost_is_rfc_9106_low_memory_and_a_cheaper_hash_asks_to_be_redone():
    cheap = auth.hash_password("a long enough passphrase", "CHEAPEST")
    assert auth.needs_rehash(cheap, "RFC_9106_LOW_MEMORY")
    assert not auth.needs_rehash(cheap, "CHEAPEST")


def test_a_password_typed_in_full_width_matches_the_same_password_in_half_width():
    stored = auth.hash_password("Shinjuku2026Kuyakusho", PROFILE)
    assert auth.verify_password(stored, "Ｓｈｉｎｊｕｋｕ２０２６Ｋｕｙａｋｕｓｈｏ", PROFILE)


def test_a_broken_hash_never_verifies_and_never_raises():
    assert not auth.verify_password("not a hash", "whatever it is", PROFILE)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pass", auth.TOO_SHORT),
        ("x" * 1025, auth.TOO_LONG),
        ("qwerty123456", auth.COMMON),
        ("Password1234!", auth.COMMON),  # "password" with digits and a symbol added
        ("2024iloveyou!!", auth.COMMON),
        ("aaaaaaaaaaaaaaaa", auth.REPETITIVE),
        ("121212121212", auth.REPETITIVE),
        ("taro.yamada-was-here", auth.CONTAINS_EMAIL),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in auth.password_problems(password, "taro.yamada@city.example.jp")


@pytest.mark.parametrize("password", ["correct horse battery staple", "新宿区役所で働いています2026", "Wv7#kP2q!zL9xR4m"])
def test_long_uncommon_passwords_are_accepted(password):
    assert auth.password_problems(password, "taro.yamada@city.example.jp") == []


def test_the_shipped_common_password_list_is_loaded():
    common = auth.common_passwords()
    assert len(common) > 10_000
    assert {"123456", "password", "qwerty"} <= common
    assert not any(entry.startswith("#") for entry in common)


def test_api_tokens_are_random_prefixed_and_stored_only_as_a_digest():
    first, second = auth.new_api_token(), auth.new_api_token()
    assert first != second and first.startswith(auth.API_TOKEN_PREFIX) and len(first) >= 40
    assert auth.digest(first) != first and len(auth.digest(first)) == 64
    assert auth.token_display_prefix(first) == first[:10]
