"""A module for tests only: it mails a postcard when a project is created (decision 46).

The recipient and locale come from the project's name (`Lyon (fr)` → French), and a
project named `quiet…` asks for no mail at all. Only the events of one tenant are mailed,
so that a test's sink ignores the other tests' projects.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ossature.kernel.mail import Mail, OutgoingMail
from ossature.kernel.messages import Envelope
from ossature.kernel.module import Module

__all__ = ["postcards"]

ROOT = Path(__file__).parent


def postcards(tenant_id: str, domain: str = "example.test", refused: str = "") -> Module:
    """The module, mailing the projects created in `tenant_id`, to `<project id>@domain`
    (`refused-<project id>@domain` for a project named `refused`)."""

    def compose(envelope: Envelope, services: Mapping[type, object]) -> OutgoingMail | None:
        name = str(envelope.payload["projectName"])
        if envelope.tenant_id != tenant_id or name.startswith("quiet"):
            return None
        prefix = "refused-" if name == refused else ""
        return OutgoingMail(
            to=f"{prefix}{envelope.payload['projectId'].lower()}@{domain}",
            locale="fr" if name.endswith("(fr)") else "en",
            params={
                "projectName": name,
                "link": f"https://app.example.test/p/{envelope.stream_id}",
            },
        )

    return Module("postcards", mails=[Mail("project-created", "postcard", compose)], root=ROOT)
