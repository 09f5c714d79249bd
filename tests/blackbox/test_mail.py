"""The embedded SMTP server of a running `ossature up`: found where `up` says, it keeps each
message once, and `ossature mail` reads them back."""

from __future__ import annotations

import json
import re
import smtplib
import subprocess
import sys
from email.message import EmailMessage
from urllib.parse import urlsplit

from tests.blackbox._api import System
from tests.blackbox._up import environment


def _mail(*args: str, system: System) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ossature", "mail", *args]
    env = environment(system.var_dir)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def _message(message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "sender@example.test"
    message["To"] = "someone@example.test"
    message["Subject"] = f"Hello {message_id}"
    message["Message-ID"] = f"<{message_id}@example.test>"
    message.set_content("The text part.")
    message.add_alternative("<p>The <b>HTML</b> part.</p>", subtype="html")
    return message


def test_mail_sent_to_the_embedded_server_is_kept_once_and_shown(system: System) -> None:
    """Sent twice with one Message-ID: listed once, its text and HTML parts shown."""
    said = re.search(r"mail: (smtp://127\.0\.0\.1:\d+)", system.log_path.read_text())
    assert said is not None, "up says where mail goes"
    engines = system.var_dir / "engines.json"  # absent with external engines
    if engines.exists():
        assert said[1] == json.loads(engines.read_text())["smtp_url"]
    where = urlsplit(said[1])
    assert where.hostname and where.port
    # when
    with smtplib.SMTP(where.hostname, where.port, timeout=30) as client:
        client.send_message(_message("bb-once"))
        client.send_message(_message("bb-once"))
    listed = _mail("list", system=system)
    # then
    assert 0 == listed.returncode, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if "Hello bb-once" in line]
    assert 1 == len(rows), listed.stdout
    mail_id = rows[0].split("│")[1].strip()
    shown = _mail("show", mail_id, system=system)
    html = _mail("show", mail_id, "--html", system=system)
    assert "Subject: Hello bb-once" in shown.stdout and "The text part." in shown.stdout
    assert "<p>The <b>HTML</b> part.</p>" in html.stdout
    assert 1 == _mail("show", "nothing-like-this", system=system).returncode
