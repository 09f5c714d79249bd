"""Over HTTP: the log-in lockout engages and releases (decision 53); a tenant's address
ranges refuse outside and admit inside, behind a trusted proxy (decision 54)."""

from __future__ import annotations

import re

import httpx

from tests.blackbox._api import System, TokenFor, call, eventually, new_ulid, problem_of

# pragma: allowlist nextline secret: a throwaway test account's password
PASSWORD = "a throwaway account's password"


def _from(address: str) -> dict[str, str]:
    """The headers of a request the loopback proxy forwards for `address`."""
    return {"X-Forwarded-For": address}


async def _throttled_total(http: httpx.AsyncClient) -> float:
    text = (await http.get("/metrics")).text
    found = re.findall(r'^ossature_login_throttled_total\{kind="account"\} (\S+)$', text, re.M)
    return float(found[0]) if found else 0.0


async def _account(http: httpx.AsyncClient, admin: str) -> tuple[str, str]:
    email = f"target-{new_ulid().lower()}@acme.test"
    payload = {"email": email, "displayName": "Target", "password": PASSWORD}
    made = await call(http, "commands/register-account", payload, admin)
    assert 200 == made.status_code, made.text
    return email, made.json()["accountId"]


async def test_five_wrong_passwords_lock_the_account_until_the_wait_is_over(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """429 with Retry-After, the right password refused too; counted in /metrics; released
    after the wait (2 s here), when the right password works again."""
    admin = await token_for("admin@acme")
    email, _ = await _account(http, admin)
    before = await _throttled_total(http)
    client = _from("198.51.100.23")

    def attempt(password: str) -> dict[str, str]:
        return {"tenant": "acme", "email": email, "password": password}

    wrong = [
        await call(http, "commands/log-in", attempt("wrong"), headers=client) for _ in range(5)
    ]
    locked = await call(http, "commands/log-in", attempt(PASSWORD), headers=client)
    after = await _throttled_total(http)
    released = await eventually(
        lambda: call(http, "commands/log-in", attempt(PASSWORD), headers=client),
        lambda response: response.status_code == 200,
        within=30,
    )

    assert ([401] * 5, (429, "identity.too-many-attempts"), True, 1.0, 200) == (
        [r.status_code for r in wrong],
        problem_of(locked),
        1 <= int(locked.headers["retry-after"]) <= 2,
        after - before,
        released.status_code,
    )


async def test_twenty_failures_from_an_address_lock_it_for_every_account(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """Twenty wrong passwords from one client address, over ten accounts (none of them
    reaching its own limit), lock that address: a good password from it is refused, from
    another address it works."""
    admin = await token_for("admin@acme")
    accounts = [await _account(http, admin) for _ in range(11)]
    sprayer = _from("198.51.100.120")  # no other test sends from it
    wrong = [
        await call(http, "commands/log-in", body, headers=sprayer)
        for email, _ in accounts[:10]
        # pragma: allowlist nextline secret: a wrong password, on purpose
        for body in [{"tenant": "acme", "email": email, "password": "wrong"}] * 2
    ]
    good = {"tenant": "acme", "email": accounts[10][0], "password": PASSWORD}
    from_sprayer = await call(http, "commands/log-in", good, headers=sprayer)
    elsewhere = await call(http, "commands/log-in", good, headers=_from("192.0.2.201"))

    assert ([401] * 20, (429, "identity.too-many-attempts"), 200) == (
        [r.status_code for r in wrong],
        problem_of(from_sprayer),
        elsewhere.status_code,
    )


async def test_the_audit_has_the_failures_by_account_never_the_email(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """The tenant's audit names the account of a wrong password, and a hash for an email
    no account has."""
    admin = await token_for("admin@acme")
    email, account_id = await _account(http, admin)
    unknown = f"nobody-{new_ulid().lower()}@acme.test"
    for who in (email, unknown):
        # pragma: allowlist nextline secret: a wrong password, on purpose
        body = {"tenant": "acme", "email": who, "password": "wrong"}
        await call(http, "commands/log-in", body, headers=_from("192.0.2.77"))
    entries = (await call(http, "queries/list-audit-entries", {"limit": 50}, admin)).json()
    refused = [
        e
        for e in entries["entries"]
        if e["name"] == "log-in" and e["messageKey"] == "identity.invalid-credentials"
    ]
    text = str(entries)

    assert (True, True, False, False) == (
        any(e["actorId"] == account_id for e in refused),
        any(str(e["actorId"]).startswith("email:") for e in refused),
        email in text,
        unknown in text,
    )


async def test_outside_its_ranges_a_tenant_refuses_every_invocation(
    http: httpx.AsyncClient, token_for: TokenFor, system: System
) -> None:
    """Behind the trusted proxy, 198.51.100.7 is outside and 203.0.113.9 inside; the
    loopback (every other test) stays inside; a policy excluding its setter is refused."""
    admin = await token_for("admin@globex")
    ranges = {"requireMfa": False, "allowedIpRanges": ["127.0.0.0/8", "203.0.113.0/24"]}
    lockout = {"requireMfa": False, "allowedIpRanges": ["10.0.0.0/8"]}
    try:
        excluded = await call(http, "commands/set-tenant-security-policy", lockout, admin)
        made = await call(http, "commands/set-tenant-security-policy", ranges, admin)
        outside = await call(http, "queries/list-folders", {}, admin, _from("198.51.100.7"))
        inside = await call(http, "queries/list-folders", {}, admin, _from("203.0.113.9"))
        log_in = {"tenant": "globex", "email": "admin@globex.test", "password": system.password}
        outside_log_in = await call(http, "commands/log-in", log_in, None, _from("198.51.100.7"))
    finally:
        nothing = {"requireMfa": False, "allowedIpRanges": []}
        await call(http, "commands/set-tenant-security-policy", nothing, admin)

    assert (
        (422, "tenancy.policy-excludes-caller"),
        200,
        (403, "tenancy.ip-not-allowed"),
        200,
        (403, "tenancy.ip-not-allowed"),
    ) == (
        problem_of(excluded),
        made.status_code,
        problem_of(outside),
        inside.status_code,
        problem_of(outside_log_in),
    )


async def test_a_tenants_entry_point_is_its_host_name(
    http: httpx.AsyncClient, token_for: TokenFor, system: System
) -> None:
    """At acme.ossature.localhost a log-in may omit its tenant; globex's token is refused
    there; an unknown slug is 404."""
    acme, globex = {"Host": "acme.ossature.localhost"}, await token_for("admin@globex")
    body = {"email": "admin@acme.test", "password": system.password}
    logged_in = await call(http, "commands/log-in", body, None, acme)
    other = await call(http, "queries/list-folders", {}, globex, acme)
    unknown = await call(
        http, "queries/list-folders", {}, globex, {"Host": "nobody.ossature.localhost"}
    )

    assert (200, (403, "tenancy.wrong-entry-point"), (404, "tenancy.unknown-entry-point")) == (
        logged_in.status_code,
        problem_of(other),
        problem_of(unknown),
    )
