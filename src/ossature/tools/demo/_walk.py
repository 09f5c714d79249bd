"""`ossature demo`: walk the main flows through the SDK and say whether each behaves as stated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ossature.sdk import Backend, Client, Http, OssatureError
from ossature.tools.demo import _admin as admin
from ossature.tools.demo import _audit_log as audit_log
from ossature.tools.demo import _billing as billing
from ossature.tools.demo import _credentials as credentials
from ossature.tools.demo import _identity_flows as identity_flows
from ossature.tools.demo import _identity_mfa as mfa
from ossature.tools.demo import _members as members
from ossature.tools.demo import _perimeter as perimeter
from ossature.tools.demo import _plans as plans
from ossature.tools.demo import _problems as problems
from ossature.tools.demo import _sagas as sagas
from ossature.tools.demo import _sessions as sessions
from ossature.tools.demo import _steps as steps
from ossature.tools.demo import _tenant_keys as tenant_keys
from ossature.tools.demo import _web as web
from ossature.tools.demo._support import Demo, StepFailed, describe

__all__ = ["STEPS", "Step", "run_demo"]


@dataclass(frozen=True)
class Step:
    flow: int
    expectation: str
    check: Callable[[Demo], Awaitable[str]]


STEPS = [
    Step(1, "health/ready answers 200", steps.ready),
    Step(1, "the JWKS publishes at least one key", steps.jwks),
    Step(2, "editor@acme logs in", steps.log_in),
    Step(2, "a wrong password gets 401 with a messageKey", steps.wrong_password),
    Step(3, "list-folders shows the admin Global, EU, France, US", steps.list_folders),
    Step(3, "the editor at EU sees EU, France and Global above them, not US", steps.editor_folders),
    Step(4, "editor creates a project in France, with an Idempotency-Key", steps.create_project),
    Step(4, "the same command and key answer the same projectId", steps.replay_create),
    Step(4, "list-projects shows it once (eventually)", steps.listed_once),
    Step(5, "editor renames it: version 2", steps.rename),
    Step(5, "get-project shows the new name and version 2", steps.renamed),
    Step(5, "get-project-history has 2 entries with the invocation ids", steps.history),
    Step(5, "its history searched for the new name finds the rename", steps.history_search),
    Step(5, "editor, subscribed over MQTT, is notified when admin renames it", steps.notified),
    Step(6, "a rename with a stale expectedVersion gets 409", steps.stale_rename),
    Step(6, "archived, it refuses a rename (409); unarchived, it is back", steps.archived_and_back),
    Step(
        6,
        "admin and editor create projects of one name in France: one stands, the editor's is"
        " undone by a saga and the editor told",
        sagas.twin_names,
    ),
    Step(7, "editor creating a project in US gets 403", steps.denied_create),
    Step(7, "viewer@acme lists projects and sees only US ones", steps.viewer_sees_us),
    Step(8, "viewer renaming a US project gets 403", steps.viewer_rename),
    Step(9, "admin@globex reading the acme project gets 404", steps.cross_tenant),
    Step(10, "create-project with a junk payload gets 422 with a messageKey", steps.junk_payload),
    Step(10, "an unknown command gets 404", steps.unknown_command),
    Step(11, "editor's permissions at France include projects.rename", steps.may_rename_in_france),
    Step(11, "editor's permissions at US are empty", steps.nothing_in_us),
    Step(12, "count-logins-per-day for today counts the demo's logins", steps.logins_today),
    Step(13, "admin@acme's audit entries show the editor's denial", steps.audited_denial),
    Step(14, "get-message-catalog fr is not empty", steps.french_catalog),
    Step(14, "get-message-catalog ar has en's keys, each in Arabic", steps.arabic_catalog),
    Step(14, "after log-out, the old token gets 401", steps.logged_out),
    Step(
        15, "an invited user gets the mail, accepts it and logs in", identity_flows.invited_by_mail
    ),
    Step(
        15,
        "a mailed reset ends the old session; only the new password works",
        identity_flows.reset_by_mail,
    ),
    Step(
        15, "a member changes their password: the old one gets 401", identity_flows.change_password
    ),
    Step(16, "a new account enrolls TOTP and gets 10 recovery codes", mfa.totp_enrolled),
    Step(16, "its log-in asks for a code; the code opens the session", mfa.log_in_with_a_code),
    Step(17, "5 wrong passwords lock a log-in: 429 with Retry-After", perimeter.lockout),
    Step(17, "a success resets the account's failures", perimeter.success_resets),
    Step(
        18,
        "a policy locking its admin out is refused; one is set, read back",
        perimeter.security_policy,
    ),
    Step(19, "admin@acme lists the tenant's accounts", admin.list_accounts),
    Step(19, "admin assigns a role, revokes it, and it is gone", admin.revoke_role),
    Step(19, "a deactivated account's token gets 401 at once", admin.deactivated_refused),
    Step(
        20,
        "the operator impersonates viewer@acme; the viewer's audit shows both",
        admin.impersonation_audited,
    ),
    Step(
        21,
        "viewer's personal access token lists projects; revoked, it gets 401",
        credentials.personal_access_token,
    ),
    Step(
        21,
        "a service account's API key creates a project in EU; revoked, it gets 401",
        credentials.api_key,
    ),
    Step(
        22, "admin filters the audit log to denials and opens the editor's", audit_log.denial_opened
    ),
    Step(22, "the viewer opening someone else's entry gets 404", audit_log.entry_hidden),
    Step(22, "the audit log's pages follow each other by cursor", audit_log.pages_follow),
    Step(22, "list-roles offers the tenant's roles, not the platform's", members.roles_offered),
    Step(
        22,
        "admin forgets a member: log-in refused, listed as [forgotten]",
        members.member_forgotten,
    ),
    Step(
        23,
        "a session renews its token in the language chosen; logged out, it cannot",
        sessions.refreshed_session,
    ),
    Step(24, "globex (starter) is refused analytics; acme (team) reads it", plans.module_gate),
    Step(24, "get-my-capabilities greys out what each tenant has not bought", plans.capabilities),
    Step(
        24,
        "a new admin's analytics command waits for the terms; accept-terms lets it run",
        plans.terms_accepted,
    ),
    Step(
        24, "usage this month rolls up the folder tree: France within EU within Global", plans.usage
    ),
    Step(
        24,
        "the operator logs in naming no tenant and lists the tenants with their plans",
        plans.operator_back_office,
    ),
    Step(
        25,
        "admin@acme reports a failed extract (503): retried once, an investigation opened",
        problems.problem_reported,
    ),
    Step(
        25, "the operator resolves it; admin's reports show the answer", problems.problem_resolved
    ),
    Step(
        26,
        "the operator publishes an announcement; acme and globex list it",
        problems.announcement_listed,
    ),
    Step(
        27,
        "the web app signs admin in with its form and shows France's projects",
        web.signed_in_page,
    ),
    Step(27, "a form posted without its CSRF secret changes nothing: 403", web.csrf_refused),
    Step(
        28,
        "the operator closes acme's billing cycle; admin@acme reads an invoice that adds up",
        billing.invoice_issued,
    ),
    Step(
        29,
        "the operator reads each tenant's region tag (globex, seeded now, in us), and rotates"
        " acme's key: its version goes up, once for a repeated call",
        tenant_keys.tenant_key_rotated,
    ),
]


async def attempt(step: Step, demo: Demo) -> tuple[bool, str]:
    """Run one step; a failure is reported, never raised, so the walk goes on."""
    try:
        return True, await step.check(demo)
    except StepFailed as failure:
        return False, str(failure)
    except OssatureError as error:
        return False, describe(error)
    except Exception as error:  # a broken step must not hide the ones after it
        return False, f"{type(error).__name__}: {error}"


def outcome(ok: bool, detail: str) -> Text:
    return Text.assemble(("✓ ", "green") if ok else ("✗ ", "red"), detail)


async def walk(demo: Demo, console: Console) -> list[bool]:
    """Run every step in order, a spinner naming the current one, then print the table."""
    table = Table("#", "expectation", "outcome", title="Ossature demo")
    results = []
    for step in STEPS:
        with console.status(f"{step.flow}. {step.expectation}"):
            ok, detail = await attempt(step, demo)
        table.add_row(str(step.flow), step.expectation, outcome(ok, detail))
        results.append(ok)
    console.print(table)
    return results


async def run_demo(
    backend: Backend | str, password: str, console: Console, maildir: Path | None = None
) -> bool:
    """Walk the demo flows through `backend` (a running system's URL, or `InProcess(app)`),
    reading mails from `maildir`; True when every step behaved as stated."""
    where = Http(backend) if isinstance(backend, str) else backend
    async with Client(where) as client:
        results = await walk(Demo(client, password, where, maildir=maildir), console)
    passed = sum(results)
    colour = "green" if passed == len(results) else "red"
    console.print(f"[{colour}]{passed}/{len(results)} steps behaved as stated[/{colour}]")
    return passed == len(results)
