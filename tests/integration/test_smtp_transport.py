"""Mail sent to an external SMTP server as OSSATURE_SMTP_URL names it: STARTTLS when the
server offers it, AUTH with the URL's credentials; a refusal of the credentials is retried,
never given up (aiosmtpd as that server, with a certificate made for the test)."""

from __future__ import annotations

import datetime
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ossature.kernel.sink import Permanent
from ossature.kernel.smtp import SmtpTransport

# pragma: allowlist nextline secret: the test server's throwaway password
PASSWORD = "letter-box-7"


class Received:
    """Keeps what arrived, and whether it came over TLS from an authenticated client."""

    def __init__(self) -> None:
        self.mails: list[tuple[bool, Any, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append((session.ssl is not None, session.auth_data, envelope.content))
        return "250 OK"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"mailer",
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def tls_server(folder: Path) -> Iterator[tuple[Received, int, ssl.SSLContext]]:
    """A server that offers STARTTLS and accepts AUTH only over it; a client context that
    trusts its certificate."""
    cert_file, key_file = _certificate(folder)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert_file, key_file)
    client_side = ssl.create_default_context(cafile=str(cert_file))
    received = Received()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_side,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield received, port, client_side
    finally:
        controller.stop()


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "o@x.test", "z@x.test", "Hi"
    message["Message-ID"] = "<E1.welcome@ossature>"
    message.set_content("Hello")
    return message


async def test_mail_goes_over_starttls_with_the_urls_credentials(tmp_path: Path) -> None:
    """The server offers STARTTLS: the transport takes it, then authenticates."""
    with tls_server(tmp_path) as (received, port, trusted):
        url = f"smtp://mailer:{PASSWORD}@127.0.0.1:{port}"
        await replace(SmtpTransport.from_url(url), tls=trusted).send(_message())
    assert [(True, b"mailer")] == [(tls, who) for tls, who, _ in received.mails]
    assert b"Message-ID: <E1.welcome@ossature>" in received.mails[0][2]


async def test_refused_credentials_are_retried_not_given_up(tmp_path: Path) -> None:
    """A wrong password is an operator's to fix: transient, so no mail is skipped for it."""
    with tls_server(tmp_path) as (received, port, trusted):
        url = f"smtp://mailer:{PASSWORD[::-1]}@127.0.0.1:{port}"
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            await replace(SmtpTransport.from_url(url), tls=trusted).send(_message())
    assert not isinstance(refused.value, Permanent)
    assert [] == received.mails


async def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    """STARTTLS with a certificate no trusted authority signed: nothing is sent in clear."""
    url = f"smtp://mailer:{PASSWORD}@127.0.0.1:"
    with tls_server(tmp_path) as (received, port, _):
        transport = SmtpTransport.from_url(f"{url}{port}")
        with pytest.raises(ssl.SSLCertVerificationError):
            await transport.send(_message())
    assert [] == received.mails
