"""OSSATURE_SMTP_URL read into where mail goes."""

import pytest

from ossature.kernel.smtp import SmtpTransport


def test_an_smtp_url_names_host_port_and_credentials() -> None:
    """Credentials are URL-decoded; the port defaults to 25, and to 465 for smtps."""
    # pragma: allowlist nextline secret: a made-up password in a URL under test
    found = SmtpTransport.from_url("smtp://mailer%40acme:p%2Fss@mail.example.test:587")
    assert ("mail.example.test", 587, "mailer@acme", "p/ss", False) == (
        found.host,
        found.port,
        found.user,
        found.password,
        found.implicit_tls,
    )
    assert (465, True) == (
        SmtpTransport.from_url("smtps://mail.example.test").port,
        SmtpTransport.from_url("smtps://mail.example.test").implicit_tls,
    )
    assert (25, None) == (
        SmtpTransport.from_url("smtp://mail.example.test").port,
        SmtpTransport.from_url("smtp://mail.example.test").user,
    )


def test_the_password_is_not_shown() -> None:
    """A transport printed in a log line keeps its password to itself."""
    # pragma: allowlist nextline secret: a made-up password in a URL under test
    assert "hunter2" not in repr(SmtpTransport.from_url("smtp://u:hunter2@h:25"))


@pytest.mark.parametrize("url", ["http://mail.example.test", "smtp://", "mail.example.test:25"])
def test_another_url_is_refused(url: str) -> None:
    """Only smtp:// and smtps:// with a host."""
    with pytest.raises(ValueError, match="not an SMTP URL"):
        SmtpTransport.from_url(url)
