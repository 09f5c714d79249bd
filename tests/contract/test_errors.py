"""Refusals arrive as typed exceptions with the server's message key, through every backend."""

from __future__ import annotations

from ossature.kernel.ids import is_ulid
from ossature.sdk import (
    Backend,
    Client,
    Conflict,
    Denied,
    InvalidRequest,
    NotFound,
    OssatureError,
    Unauthenticated,
)
from tests.contract.support import as_person, email_of, refusal
from tests.integration._push import PushTenant, push_tenant


def described(error: OssatureError) -> tuple[type[OssatureError], int, str]:
    return type(error), error.status, error.message_key


async def test_a_wrong_password_is_unauthenticated_with_the_identity_key(
    client: Client, people: PushTenant
) -> None:
    """A log-in with a wrong password raises Unauthenticated keyed by identity."""
    expected = (Unauthenticated, 401, "identity.invalid-credentials")

    error = await refusal(client.log_in(people.slug, email_of(people, "editor"), "wrong password"))

    assert expected == described(error)


async def test_a_call_without_a_token_is_unauthenticated(client: Client) -> None:
    """A query that needs an actor, sent with no token, raises Unauthenticated."""
    expected = (Unauthenticated, 401, "errors.unauthenticated")

    error = await refusal(client.list_folders())

    assert expected == described(error)


async def test_acting_outside_ones_grants_is_denied(client: Client, people: PushTenant) -> None:
    """The editor at EU creating a project in US raises Denied, naming the action refused."""
    editor = await as_person(client, people, "editor")
    expected = (Denied, 403, "errors.denied")

    error = await refusal(editor.create_project(people.folders["US"], "Not mine"))

    assert expected == described(error)
    assert is_ulid(str(error.invocation_id))
    assert error.invocation_id == editor.last_invocation_id


async def test_a_viewer_may_read_but_not_rename(client: Client, people: PushTenant) -> None:
    """The viewer at US reads a US project and is denied renaming it."""
    admin, viewer = (
        await as_person(client, people, "admin"),
        await as_person(client, people, "viewer"),
    )
    project_id = await admin.create_project(people.folders["US"], "Portal")

    seen = (await viewer.get_project(project_id))["name"]
    error = await refusal(viewer.rename_project(project_id, "Renamed by a viewer"))

    assert ("Portal", Denied) == (seen, type(error))


async def test_a_module_refusal_keeps_its_key_and_parameters(
    client: Client, people: PushTenant
) -> None:
    """A stale expected version raises Conflict with the projects module's own key."""
    editor = await as_person(client, people, "editor")
    project_id = await editor.create_project(people.folders["France"], "Launch")
    await editor.rename_project(project_id, "Launch 2")
    expected = (Conflict, 409, "projects.stale-version")

    error = await refusal(editor.rename_project(project_id, "Stale", expected_version=1))

    assert expected == described(error)
    assert {"expected": 1, "actual": 2} == error.message_params
    assert error.retryable is False


async def test_a_malformed_payload_is_an_invalid_request_with_its_reason(
    client: Client, people: PushTenant
) -> None:
    """A payload of the wrong shape raises InvalidRequest, its reason in the parameters."""
    editor = await as_person(client, people, "editor")
    expected = (InvalidRequest, 422, "errors.invalid-payload")

    error = await refusal(editor.command("create-project", {"folderId": 5}))

    assert expected == described(error)
    assert "reason" in error.message_params


async def test_an_unknown_command_is_not_found(client: Client, people: PushTenant) -> None:
    """A command no module declares raises NotFound with the unknown-command key."""
    editor = await as_person(client, people, "editor")
    expected = (NotFound, 404, "errors.unknown-command")

    error = await refusal(editor.command("brew-coffee", {}))

    assert expected == described(error)


async def test_another_tenants_project_is_not_found(client: Client, people: PushTenant) -> None:
    """A project of another tenant is invisible: NotFound, not Denied."""
    admin = await as_person(client, people, "admin")
    project_id = await admin.create_project(people.folders["France"], "Ours")
    others = await push_tenant(people.system)
    stranger = await as_person(client, others, "admin")

    error = await refusal(stranger.get_project(project_id))

    assert isinstance(error, NotFound)


async def test_a_problem_is_titled_in_the_clients_locale(
    backend: Backend, people: PushTenant
) -> None:
    """The same refusal has an English title for an `en` client and another for a `fr` one."""
    titles = []
    for locale in ("en", "fr"):
        async with Client(backend, locale=locale) as anonymous:
            error = await refusal(anonymous.list_folders())
            titles.append(error.title)

    assert titles[0] != titles[1]
    assert "errors.unauthenticated" not in titles
