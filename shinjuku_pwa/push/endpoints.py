"""Is a push endpoint one we may call? Guards against using our server to reach internal hosts (SSRF)."""
from __future__ import annotations

import base64
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec


class EndpointRefused(ValueError):
    """The message says why, in words safe to show (never the endpoint itself)."""


@dataclass(frozen=True)
class Allowlist:
    """PUSH_ENDPOINT_ALLOWLIST: host names (https only; "*." matches subdomains) or exact origins
    such as http://127.0.0.1:8123, which tests and staging list on purpose."""

    hosts: tuple[str, ...]
    origins: tuple[str, ...]

    @classmethod
    def parse(cls, entries) -> Allowlist:
        if isinstance(entries, str):
            entries = [e.strip() for e in entries.split(",")]
        hosts, origins = [], []
        for entry in entries:
            if not entry:
                continue
            if "://" in entry:
                origins.append(entry.rstrip("/").lower())
            else:
                hosts.append(entry.lower())
        return cls(tuple(hosts), tuple(origins))

    def host_allowed(self, host: str) -> bool:
        for pattern in self.hosts:
            if pattern.startswith("*.") and host.endswith(pattern[1:]) and host != pattern[2:]:
                return True
            if host == pattern:
                return True
        return False


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _resolve(host: str) -> list[str]:
    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)]
    except (OSError, UnicodeError):
        return []  # unresolvable now: nothing private is reachable through it; sending will just fail


def check_endpoint(endpoint: str, allowlist: Allowlist, resolve=_resolve) -> str:
    """Return the endpoint's origin if we may send to it, else raise EndpointRefused."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError as exc:
        raise EndpointRefused("not a valid URL") from exc
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise EndpointRefused("must not contain user information")
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        raise EndpointRefused("not a valid URL")
    origin = origin_of(endpoint)
    if origin in allowlist.origins:
        return origin  # listed on purpose, as is
    if parts.scheme != "https":
        raise EndpointRefused("must use https")
    if _is_ip_literal(host):
        raise EndpointRefused("must be a host name, not an IP address")
    if port not in (None, 443):
        raise EndpointRefused("must use the standard https port")
    if not allowlist.host_allowed(host):
        raise EndpointRefused("is not a known push service")
    if any(not _is_public(address) for address in resolve(host)):
        raise EndpointRefused("resolves to a private address")
    return origin


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def check_p256dh(value: str) -> None:
    """A browser's public key: an uncompressed point on P-256 (65 bytes starting 0x04)."""
    try:
        raw = _b64url_decode(value)
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc
    if len(raw) != 65 or raw[0] != 4:
        raise ValueError("not an uncompressed P-256 point")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise ValueError("not a point on P-256") from exc


def check_auth_secret(value: str) -> None:
    try:
        raw = _b64url_decode(value)
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc
    if len(raw) != 16:
        raise ValueError("must be exactly 16 bytes")
