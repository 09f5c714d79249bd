"""Helpers of the browse and live tests: accounts made for a test over the API, projects."""

from __future__ import annotations

import secrets

import httpx

from tests.blackbox._api import System

__all__ = ["WAIT", "Api", "unique"]

WAIT = 20_000  # ms an expectation waits: generous, for a busy machine


def unique(prefix: str) -> str:
    """A name no other test uses (the system is shared by the session's tests), shaped like
    a code ("plain-1a2b3c"): a former name shown in a project's history is data, and the
    untranslated-page test passes codes, not words, that are no current name."""
    return f"{prefix.lower().replace(' ', '-')}-{secrets.token_hex(3)}"


class Api:
    """The demo tenant `acme` over HTTP, as its admin."""

    def __init__(self, system: System, tenant: str = "acme") -> None:
        self.system, self.tenant = system, tenant
        self.http = httpx.Client(base_url=system.base_url, timeout=30)
        self.token = self._log_in(f"admin@{tenant}.test")

    def close(self) -> None:
        self.http.close()

    def _log_in(self, email: str) -> str:
        body = {"tenant": self.tenant, "email": email, "password": self.system.password}
        answer = self.http.post("/commands/log-in", json=body)
        assert 200 == answer.status_code, answer.text
        return str(answer.json()["accessToken"])

    def call(self, kind: str, name: str, body: dict[str, object]) -> dict[str, object]:
        headers = {"Authorization": f"Bearer {self.token}"}
        answer = self.http.post(f"/{kind}/{name}", json=body, headers=headers)
        assert 200 == answer.status_code, answer.text
        return dict(answer.json())

    def folders(self) -> dict[str, str]:
        listed = self.call("queries", "list-folders", {})["folders"]
        assert isinstance(listed, list)
        return {folder["name"]: folder["folderId"] for folder in listed}

    def account(self, locale: str, role: str, folder: str) -> str:
        """A new account speaking `locale` with `role` at the folder named `folder`: its
        sign-in name for `sign_in` ("who@acme")."""
        who = f"{locale}-{secrets.token_hex(4)}"
        made = self.call(
            "commands",
            "register-account",
            {
                "email": f"{who}@{self.tenant}.test",
                "displayName": f"{locale.upper()} {who[-4:]}",
                "password": self.system.password,
                "locale": locale,
            },
        )
        assignment = {
            "accountId": made["accountId"],
            "role": role,
            "folderId": self.folders()[folder],
        }
        self.call("commands", "assign-role", assignment)
        return f"{who}@{self.tenant}"

    def project(self, folder: str, name: str) -> str:
        made = self.call(
            "commands", "create-project", {"folderId": self.folders()[folder], "name": name}
        )
        return str(made["projectId"])

    def folder(self, parent: str, name: str) -> str:
        body = {"parentId": self.folders()[parent], "name": name}
        return str(self.call("commands", "create-folder", body)["folderId"])
