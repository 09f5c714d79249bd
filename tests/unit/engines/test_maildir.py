"""The embedded SMTP server's Maildir: one file per Message-ID, read back newest first."""

from pathlib import Path

from ossature.engines._smtp import MailSink, maildir_name
from ossature.engines.maildir import find_kept, kept_mails


def _mail(message_id: str, date: str, subject: str) -> bytes:
    return (
        f"Message-ID: {message_id}\r\nDate: {date}\r\nTo: a@example.test\r\n"
        f"Subject: {subject}\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
    ).encode()


def test_a_message_delivered_twice_is_kept_once(tmp_path: Path) -> None:
    """The second copy finds its name taken, in new/ or, once read, in cur/."""
    sink = MailSink(tmp_path)
    name = maildir_name("<E1.welcome@ossature>")
    first = sink.deliver(
        name, _mail("<E1.welcome@ossature>", "Thu, 03 Dec 2026 10:00:00 +0000", "1")
    )
    again = sink.deliver(
        name, _mail("<E1.welcome@ossature>", "Thu, 03 Dec 2026 10:00:00 +0000", "1")
    )
    (tmp_path / "new" / name).rename(tmp_path / "cur" / f"{name}:2,S")
    read_since = sink.deliver(name, b"Subject: 1\r\n\r\n")
    assert (True, False, False) == (first, again, read_since)
    assert [] == list((tmp_path / "tmp").iterdir()), "no draft is left behind"
    assert 1 == len(kept_mails(tmp_path))


def test_mails_are_listed_newest_first_and_found_by_a_prefix_of_their_id(tmp_path: Path) -> None:
    """The id is the file's name; a prefix that names one mail finds it."""
    sink = MailSink(tmp_path)
    for n, date in ((1, "Thu, 03 Dec 2026 10:00:00 +0000"), (2, "Thu, 03 Dec 2026 11:00:00 +0000")):
        sink.deliver(maildir_name(f"<{n}@x>"), _mail(f"<{n}@x>", date, f"mail {n}"))
    kept = kept_mails(tmp_path)
    assert ["mail 2", "mail 1"] == [str(k.message["Subject"]) for k in kept]
    assert ["Hello\n"] == [k.text for k in find_kept(tmp_path, kept[1].id[:8])]
    assert [] == find_kept(tmp_path, "")
