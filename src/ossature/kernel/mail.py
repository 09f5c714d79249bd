"""Mails: what a module sends, by email, when one of its events happens.

A module lists `Mail`s in its table. The mail sink (the kernel's event sink, run by the
worker role) follows the declared event types; for each event it calls `compose`, which
answers the recipient and the template's parameters (or None: no mail for this one), then
renders the module's `mails/<template>.txt.jinja` and `mails/<template>.html.jinja` in the
recipient's locale, with the subject from the module's messages.toml
(`mail.<template>.subject`), and sends it over SMTP once per event (decision 46).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ossature.kernel.messages import Envelope

__all__ = ["Compose", "Mail", "OutgoingMail", "subject_key", "template_files"]


@dataclass(frozen=True)
class OutgoingMail:
    """One mail to send: the recipient's address and locale, and the template's parameters.

    `locale` is one of `i18n.LOCALES` (another falls back to "en"). `params` are the template's
    variables (e.g. `link`, `displayName`), also the subject's {placeholders}.
    """

    to: str
    locale: str
    params: Mapping[str, str] = field(default_factory=dict)


Compose = Callable[[Envelope, Mapping[type, object]], OutgoingMail | None]
"""The event and the composition root's services (as `Deps.services`) → the mail, or None."""


@dataclass(frozen=True)
class Mail:
    """Sent when an event of `event_type` happens, to whom `compose` says, from `template`.

    `compose` is pure but for the services it is handed (a key to derive a link's token,
    say): it reads no clock and no database, so a mail sent again after a crash is the
    same mail.
    """

    event_type: str
    template: str
    compose: Compose


def template_files(root: Path, template: str) -> tuple[Path, Path]:
    """The text and the HTML template of `template` in the module at `root`."""
    folder = root / "mails"
    return folder / f"{template}.txt.jinja", folder / f"{template}.html.jinja"


def subject_key(template: str) -> str:
    """The message key of a template's subject line."""
    return f"mail.{template}.subject"
