"""Passwords (Argon2id) and the rules for new ones; random session ids and API tokens.

Plain functions without Flask, used by services.py and tested on their own.
"""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
import unicodedata
from importlib import resources

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
# Argon2 pre-hashes, so long passwords are cheap; the cap only stops silly multi-megabyte input.
MAX_PASSWORD_LENGTH = 1024
# Fewer distinct characters than this is a pattern (aaaaaaaaaaaa, 121212121212), not a password.
MIN_DISTINCT_CHARACTERS = 5
API_TOKEN_PREFIX = "shs_"  # "Shinjuku staff": recognisable in logs and by secret scanners

# Reasons a new password is refused; the web layer turns them into sentences.
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
COMMON = "common"
REPETITIVE = "repetitive"
CONTAINS_EMAIL = "contains_email"

_EDGE_DIGITS_AND_SYMBOLS = re.compile(r"^[\d\W_]+|[\d\W_]+$")


def normalize_password(password: str) -> str:
    """NFKC, so a password typed with a Japanese IME in full-width (ＡＢＣ１２３) matches ABC123."""
    return unicodedata.normalize("NFKC", password)


@functools.cache
def _hasher(profile: str) -> argon2.PasswordHasher:
    # Argon2id with one of argon2-cffi's named parameter sets (RFC_9106_LOW_MEMORY by default).
    return argon2.PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


def hash_password(password: str, profile: str) -> str:
    return _hasher(profile).hash(normalize_password(password))


def verify_password(password_hash: str, password: str, profile: str) -> bool:
    try:
        return _hasher(profile).verify(password_hash, normalize_password(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, profile: str) -> bool:
    """True after the cost parameters were raised: the next sign-in stores a stronger hash."""
    return _hasher(profile).check_needs_rehash(password_hash)


@functools.cache
def _dummy_hash(profile: str) -> str:
    return hash_password(secrets.token_urlsafe(16), profile)


def spend_verification_time(password: str, profile: str) -> None:
    """Verify against a throwaway hash, so an unknown e-mail takes as long as a wrong password
    and the response time does not reveal which accounts exist."""
    verify_password(_dummy_hash(profile), password, profile)


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_common_password(password: str) -> bool:
    """In the list as it is, or once the digits and symbols people add at either end are removed
    (password1234, qwerty123456!, 2024shinjuku...)."""
    lowered = normalize_password(password).lower()
    listed = common_passwords()
    if lowered in listed:
        return True
    core = _EDGE_DIGITS_AND_SYMBOLS.sub("", lowered)
    return len(core) >= 4 and core in listed


def password_problems(password: str, email: str = "") -> list[str]:
    """Why a new password is refused (empty when it is acceptable)."""
    password = normalize_password(password)
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(TOO_LONG)
    if is_common_password(password):
        problems.append(COMMON)
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        problems.append(REPETITIVE)
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        problems.append(CONTAINS_EMAIL)
    return problems


def digest(secret: str) -> str:
    """How session ids and API tokens are stored: 256 random bits need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_display_prefix(token: str) -> str:
    return token[: len(API_TOKEN_PREFIX) + 6]
