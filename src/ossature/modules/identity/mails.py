"""The mails identity's events send: each carries a one-time token's link (decision 47).

`compose` derives the link from the token id the event carries, with the deployment's key
(`OneTimeTokens`, a service): the secret is never in an event, and a mail sent again after
a crash holds the same link. The sink opens the event's sealed email and name first
(decision 93); once the person was forgotten, no mail.
"""

from __future__ import annotations

from collections.abc import Mapping

from ossature.kernel.keys import FORGOTTEN
from ossature.kernel.mail import Mail, OutgoingMail
from ossature.kernel.messages import Envelope
from ossature.modules.identity._one_time import OneTimeTokens, Purpose
from ossature.modules.identity.commands.invite_account import AccountInvited
from ossature.modules.identity.commands.request_email_verification import (
    EmailVerificationRequested,
)
from ossature.modules.identity.commands.request_password_reset import PasswordResetRequested

__all__ = ["MAILS", "link_mail"]


def link_mail(purpose: Purpose) -> Mail:
    """The mail of a token of `purpose`: to the event's address, in its locale, with the
    link (the template's name is the purpose)."""

    def compose(envelope: Envelope, services: Mapping[type, object]) -> OutgoingMail | None:
        tokens = services[OneTimeTokens]
        assert isinstance(tokens, OneTimeTokens)
        p = envelope.payload
        if p["email"] == FORGOTTEN:  # opened by the sink: a forgotten person gets no mail
            return None
        link = tokens.link(purpose, envelope.tenant_id, p["tokenId"])
        params = {"displayName": p["displayName"], "email": p["email"], "link": link}
        return OutgoingMail(to=p["email"], locale=p["locale"], params=params)

    return Mail(OPENING[purpose], purpose, compose)


OPENING: dict[Purpose, str] = {
    "invitation": AccountInvited.name,
    "email-verification": EmailVerificationRequested.name,
    "password-reset": PasswordResetRequested.name,
}
MAILS = [link_mail(purpose) for purpose in OPENING]
