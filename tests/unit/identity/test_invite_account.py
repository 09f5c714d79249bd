"""invite-account's rule: a role a tenant hands out, to an address no account has."""

from __future__ import annotations

import pytest

from ossature.modules.access.errors import UnknownRole
from ossature.modules.identity.commands.invite_account import (
    AccountInvited,
    InviteAccount,
    Invitee,
    decide_invite,
)
from ossature.modules.identity.errors import EmailTaken
from ossature.modules.identity.events import AccountRegistered
from ossature.modules.identity.fields import DisplayName, Email

WHO = Invitee("a1", "pd1.a1.sealed-email", "pd1.a1.sealed-name", "index-of-the-email")
INVITE = InviteAccount(
    email=Email("Ada@Example.com"),
    display_name=DisplayName("Ada"),
    role="project-viewer",
    folder_id="f1",
    locale="fr",
)


def test_an_invitation_registers_an_account_without_password_and_opens_its_token() -> None:
    """The events hold the invitee's email and name as sealed, never the plain address."""
    registered, invited = decide_invite(INVITE, "ada@example.com", False, "inviter", WHO, "t1")

    expected = (
        AccountRegistered(
            account_id="a1",
            email="pd1.a1.sealed-email",
            display_name="pd1.a1.sealed-name",
            locale="fr",
            email_index="index-of-the-email",
        ),
        AccountInvited(
            token_id="t1",
            account_id="a1",
            email="pd1.a1.sealed-email",
            display_name="pd1.a1.sealed-name",
            locale="fr",
            role="project-viewer",
            folder_id="f1",
            inviter_id="inviter",
        ),
    )
    assert expected == (registered, invited)


def test_an_address_already_registered_is_refused() -> None:
    with pytest.raises(EmailTaken):
        decide_invite(INVITE, "ada@example.com", True, "inviter", WHO, "t1")


def test_a_role_only_the_platform_gives_is_refused() -> None:
    cmd = InviteAccount(
        email=Email("a@b.c"), display_name=DisplayName("A"), role="platform-operator", folder_id="f"
    )

    with pytest.raises(UnknownRole):
        decide_invite(cmd, "a@b.c", False, "inviter", WHO, "t1")
