from __future__ import annotations

import pytest

from shinjuku_pwa.push.endpoints import Allowlist, EndpointRefused, check_auth_secret, check_endpoint, check_p256dh
from tests.push.browser_keys import BrowserKeys, b64url

ALLOWLIST = Allowlist.parse("fcm.googleapis.com,*.push.apple.com,http://127.0.0.1:8123")


def public_resolver(host):
    return ["142.250.196.106"]


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/abc",
    "https://web.push.apple.com/QGx",
    "http://127.0.0.1:8123/push/1",
])
def test_known_push_services_and_listed_origins_are_accepted(endpoint):
    assert check_endpoint(endpoint, ALLOWLIST, resolve=public_resolver)


@pytest.mark.parametrize("endpoint, reason", [
    ("http://fcm.googleapis.com/fcm/send/abc", "must use https"),
    ("https://user:pw@fcm.googleapis.com/x", "must not contain user information"),
    ("https://fcm.googleapis.com@evil.example/x", "must not contain user information"),
    ("https://142.250.196.106/x", "must be a host name, not an IP address"),
    ("https://[::1]/x", "must be a host name, not an IP address"),
    ("https://fcm.googleapis.com:8443/x", "must use the standard https port"),
    ("https://evil.example/x", "is not a known push service"),
    ("https://push.apple.com/x", "is not a known push service"),  # "*." means subdomains only
    ("http://127.0.0.1:9999/push/1", "must use https"),  # only the exact listed origin
    ("ftp://fcm.googleapis.com/x", "not a valid URL"),
    ("https://fcm.googleapis.com:99999/x", "not a valid URL"),
])
def test_everything_else_is_refused_with_a_reason(endpoint, reason):
    with pytest.raises(EndpointRefused, match=reason):
        check_endpoint(endpoint, ALLOWLIST, resolve=public_resolver)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "172.16.0.1", "169.254.169.254", "::1", "fd00::1"])
def test_an_allowed_host_that_resolves_to_a_private_address_is_refused(address):
    with pytest.raises(EndpointRefused, match="private address"):
        check_endpoint("https://fcm.googleapis.com/x", ALLOWLIST, resolve=lambda host: ["142.250.196.106", address])


def test_browser_keys_are_checked():
    keys = BrowserKeys()
    check_p256dh(keys.p256dh)
    check_auth_secret(keys.auth)
    for bad in ("", "not base64!", b64url(b"\x04" + b"\x00" * 64), b64url(b"\x02" + b"\x01" * 32)):
        with pytest.raises(ValueError):
            check_p256dh(bad)
    for bad in (b64url(b"x" * 15), b64url(b"x" * 17), "%%%"):
        with pytest.raises(ValueError):
            check_auth_secret(bad)
