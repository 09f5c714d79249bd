"""`ossature mail list` and `show` read the Maildir of the var directory."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ossature.cli import root
from ossature.engines._smtp import MailSink, maildir_name

MAIL = (
    "Message-ID: <E1.invitation@ossature>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
    "From: o@example.test\r\nTo: zoe.martin-with-a-long-name@example.test\r\n"
    "Subject: Vous êtes invitée\r\nMIME-Version: 1.0\r\n"
    'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLe texte.\r\n"
    "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Le HTML.</p>\r\n--b--\r\n"
)


def _run(var_dir: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(root(), ["mail", *args], env={"OSSATURE_VAR_DIR": str(var_dir)})
    return done.exit_code, done.output


def test_a_kept_mail_is_listed_whole_and_shown_by_its_id(tmp_path: Path) -> None:
    """The list names the whole recipient; show prints the headers and the asked part."""
    name = maildir_name("<E1.invitation@ossature>")
    MailSink(tmp_path / "mail").deliver(name, MAIL.encode())
    mail_id = name.removesuffix(".ossature")[:12]
    listed = _run(tmp_path, "list")
    shown, html = _run(tmp_path, "show", mail_id), _run(tmp_path, "show", mail_id, "--html")
    assert 0 == listed[0] and mail_id in listed[1]
    assert "zoe.martin" in listed[1] and "…" not in listed[1], "folded, not cut short"
    assert (0, 0) == (shown[0], html[0])
    assert "Subject: Vous êtes invitée" in shown[1] and "Le texte." in shown[1]
    assert "<p>Le HTML.</p>" in html[1] and "Le texte." not in html[1]


def test_an_unknown_id_is_refused_and_an_empty_maildir_said(tmp_path: Path) -> None:
    """No mail with that id: exit code 1; nothing received yet: one line saying so."""
    assert 1 == _run(tmp_path, "show", "0123")[0]
    assert (0, True) == (lambda r: (r[0], "No mail" in r[1]))(_run(tmp_path, "list"))
