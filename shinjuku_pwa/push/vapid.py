"""VAPID (RFC 8292): our key pair, and JWTs signed once per push-service origin and reused."""
from __future__ import annotations

import base64
import os
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask
from py_vapid import Vapid02

JWT_LIFETIME_SECONDS = 12 * 3600  # push services accept at most 24 h
REFRESH_MARGIN_SECONDS = 3600


def key_file(instance_path: str) -> Path:
    return Path(instance_path) / "vapid_private.pem"


def load_or_create_key(instance_path: str, private_key_pem: str | None = None) -> Vapid02:
    """The key from VAPID_PRIVATE_KEY, else from instance/, else a new one written there (0600)."""
    if private_key_pem:
        return Vapid02.from_pem(private_key_pem.replace("\\n", "\n").encode())
    path = key_file(instance_path)
    if path.exists():
        return Vapid02.from_file(str(path))
    vapid = Vapid02()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a file of our own, then linked into place: a process starting at the same
    # moment either sees no key file or a complete one (never an empty file it cannot parse).
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(vapid.private_pem())
    try:
        os.link(draft, path)
    except FileExistsError:  # another process made it first: use theirs
        return Vapid02.from_file(str(path))
    finally:
        os.unlink(draft)
    return vapid


def app_vapid(app) -> Vapid02:
    """The app's key pair, loaded once per process."""
    if "vapid" not in app.extensions:
        app.extensions["vapid"] = load_or_create_key(app.instance_path, app.config.get("VAPID_PRIVATE_KEY"))
    return app.extensions["vapid"]


def public_key_b64(vapid: Vapid02) -> str:
    """The applicationServerKey browsers need: the uncompressed public point, base64url."""
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class VapidSigner:
    """Authorization headers per push-service origin, signed once and reused until near expiry.

    A fresh claims dict per origin: pywebpush/py_vapid mutate the dict they are given, and a
    shared one would send one service's `aud` to another (which answers 403).
    """

    def __init__(self, vapid: Vapid02, subject: str, clock=time.time) -> None:
        self.vapid = vapid
        self.subject = subject
        self.clock = clock
        self._cache: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def headers_for(self, origin: str) -> dict[str, str]:
        now = self.clock()
        with self._lock:
            cached = self._cache.get(origin)
            if cached and cached[0] - REFRESH_MARGIN_SECONDS > now:
                return cached[1]
            expires = int(now) + JWT_LIFETIME_SECONDS
            claims = {"aud": origin, "exp": expires, "sub": self.subject}
            headers = dict(self.vapid.sign(claims))
            self._cache[origin] = (expires, headers)
            return headers


def signer_for(app: Flask) -> VapidSigner:
    """The app's VAPID signer: its key pair and the contact push services may use."""
    return VapidSigner(app_vapid(app), app.config["VAPID_SUBJECT"])
