"""The push client's HTTP/1.1: what push services may answer, read right; connections kept or dropped."""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shinjuku_pwa.push.connections import OriginPool, PushServiceError, _parse


@pytest.mark.parametrize(("raw", "expected"), [
    (b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", (201, None, True)),
    (b"HTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 2\r\n\r\nok", (201, None, True)),
    (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 600\r\nContent-Length: 0\r\n\r\n", (429, "600", True)),
    (b"HTTP/1.1 410 Gone\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", (410, None, False)),
    (b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", (400, None, True)),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", (201, None, True)),
    (b"HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n", (201, None, False)),
    (b"HTTP/1.1 204 No Content\r\n\r\n", (204, None, True)),
    (b"HTTP/1.1 503 Unavailable\r\nRetry-After: Thu, 26 Nov 2026 02:00:00 GMT\r\n\r\n", (503, "Thu, 26 Nov 2026 02:00:00 GMT", False)),
])
def test_each_kind_of_answer_is_read_whole(raw, expected):
    assert _parse(bytearray(raw)) == expected


@pytest.mark.parametrize("partial", [
    b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n",
    b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nok",
    b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
])
def test_an_answer_still_arriving_is_waited_for(partial):
    assert _parse(bytearray(partial)) is None


def test_something_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="not an HTTP"):
        _parse(bytearray(b"SSH-2.0-OpenSSH\r\n\r\n"))


async def _serve(answers: list[bytes], close_after_each: bool = False) -> tuple[asyncio.Server, list[bytes], int]:
    """A server that answers each request with the next of `answers` (and may hang up after it)."""
    requests: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                requests.append(head + await reader.readexactly(length))
                writer.write(answers.pop(0))
                await writer.drain()
                if close_after_each:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, requests, server.sockets[0].getsockname()[1]


def test_a_kept_alive_connection_carries_the_next_request_and_the_request_is_well_formed():
    async def go() -> tuple[list, list[bytes], int]:
        ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        server, requests, port = await _serve([ok, ok])
        pool = OriginPool(f"http://127.0.0.1:{port}", limit=4)
        answers = [await pool.post("/push/a", b"TTL: 60\r\n", b"body-1"), await pool.post("/push/b", b"TTL: 60\r\n", b"body-22")]
        idle = len(pool.idle)
        pool.close()
        server.close()
        return answers, requests, idle

    answers, requests, idle = asyncio.run(go())
    assert answers == [(201, None), (201, None)] and idle == 1  # one connection served both
    assert requests[0].startswith(b"POST /push/a HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nTTL: 60\r\nContent-Length: 6\r\n\r\nbody-1" in requests[0]
    assert requests[1].endswith(b"Content-Length: 7\r\n\r\nbody-22")


def test_a_connection_the_service_closed_while_idle_is_replaced_and_the_message_still_goes():
    async def go() -> tuple[list, int]:
        ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        server, requests, port = await _serve([ok, ok], close_after_each=True)
        pool = OriginPool(f"http://127.0.0.1:{port}", limit=4)
        first = await pool.post("/push/a", b"", b"x")
        second = await pool.post("/push/b", b"", b"y")
        pool.close()
        server.close()
        return [first, second], len(requests)

    answers, received = asyncio.run(go())
    assert answers == [(201, None), (201, None)] and received == 2


def test_a_service_that_hangs_up_without_answering_is_a_network_error():
    async def go() -> None:
        server, _requests, port = await _serve([b""], close_after_each=True)
        pool = OriginPool(f"http://127.0.0.1:{port}", limit=1)
        try:
            with pytest.raises(PushServiceError):
                await pool.post("/push/a", b"", b"x")
        finally:
            pool.close()
            server.close()

    asyncio.run(go())


def test_a_service_that_never_answers_times_out_and_the_next_message_gets_a_new_connection():
    async def go() -> tuple[type[BaseException] | None, tuple[int, str | None], int]:
        connections = 0

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            first = connections == 1
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
                if first:
                    await reader.read()  # never answers: waits until the client gives up
                else:
                    writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    await reader.read()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        pool = OriginPool(f"http://127.0.0.1:{port}", limit=1, timeout_seconds=0.2)
        error = None
        try:
            try:
                await pool.post("/push/a", b"", b"x")
            except TimeoutError as exc:
                error = type(exc)
            second = await pool.post("/push/b", b"", b"y")
        finally:
            pool.close()
            server.close()
        return error, second, connections

    error, second, connections = asyncio.run(go())
    assert error is TimeoutError
    assert second == (201, None) and connections == 2


def _self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_https_push_services_are_reached_over_verified_tls_and_an_unknown_certificate_is_refused(tmp_path):
    cert_file, key_file = _self_signed(tmp_path)

    async def go() -> tuple[tuple[int, str | None], type[BaseException] | None]:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(cert_file, key_file)
        ok = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0]))
                writer.write(ok)
                await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                pass
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context)
        port = server.sockets[0].getsockname()[1]
        trusting = OriginPool(f"https://127.0.0.1:{port}", limit=2, ssl_context=ssl.create_default_context(cafile=cert_file))
        answer = await trusting.post("/push/a", b"", b"x")
        trusting.close()
        refused: type[BaseException] | None = None
        default = OriginPool(f"https://127.0.0.1:{port}", limit=2)  # the system's CAs: this certificate is unknown
        try:
            await default.post("/push/a", b"", b"x")
        except OSError as exc:
            refused = type(exc)
        default.close()
        server.close()
        return answer, refused

    answer, refused = asyncio.run(go())
    assert answer == (201, None)
    assert refused is not None and issubclass(refused, ssl.SSLError)


@pytest.mark.parametrize(("raw", "expected"), [
    (b"HTTP/1.1 429 Too Many\r\nretry-after:  60 \r\nCONTENT-LENGTH: 0\r\n\r\n", (429, "60", True)),
    (b"HTTP/1.1 201 Created\r\nX-Retry-After-Hint: 5\r\nX-Connection: close\r\nContent-Length: 2\r\n\r\nok", (201, None, True)),
    (b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: Close\r\nRetry-After: 120", None),
    (b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: Close\r\nRetry-After: 120\r\n\r\n", (503, "120", False)),
])
def test_the_headers_that_matter_are_read_in_any_case_and_position_and_look_alike_names_are_not_taken_for_them(raw, expected):
    assert _parse(bytearray(raw)) == expected
