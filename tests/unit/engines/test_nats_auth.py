"""NATS identities: made once, kept secret, and only their public halves in the server config."""

from __future__ import annotations

import pathlib

from ossature.engines._nats import NatsPorts, nats_config
from ossature.engines.nats_auth import NatsCredentials, public_key
from ossature.kernel.config import Settings


def test_embedded_credentials_are_made_once_and_kept_private(tmp_path: pathlib.Path) -> None:
    """A second read finds the same seeds; each file is readable by its owner only."""
    first = NatsCredentials.embedded(tmp_path / "credentials")
    second = NatsCredentials.embedded(tmp_path / "credentials")
    modes = {path.stat().st_mode & 0o777 for path in (tmp_path / "credentials").iterdir()}
    assert (first.service.seed, first.issuer_seed, {0o600}) == (
        second.service.seed,
        second.issuer_seed,
        modes,
    )


def test_the_server_config_holds_public_keys_and_no_seed(tmp_path: pathlib.Path) -> None:
    """Three accounts and the system's, the callout's issuer and bypassing users by public
    key; no secret."""
    credentials = NatsCredentials.embedded(tmp_path / "credentials")
    assert credentials.service.seed and credentials.auth and credentials.auth.seed
    assert credentials.issuer_seed and credentials.system and credentials.system.seed
    config = nats_config(tmp_path, NatsPorts(4222, 1883, 8080), credentials)
    secrets = [
        credentials.service.seed,
        credentials.auth.seed,
        credentials.issuer_seed,
        credentials.system.seed,
    ]
    bypassing = [credentials.service.seed, credentials.auth.seed, credentials.system.seed]
    expected = [
        "OSSATURE {",
        "AUTH {",
        "USERS {",
        "SYS {",
        "system_account: SYS",
        f"issuer: {public_key(credentials.issuer_seed)}",
        f"auth_users: [ {', '.join(public_key(seed) for seed in bypassing)} ]",
    ]
    assert ([True] * 7, [False] * 4) == (
        [line in config for line in expected],
        [seed in config for seed in secrets],
    )


def test_external_credentials_come_from_the_environment() -> None:
    """OSSATURE_NATS_USER/PASSWORD for the services, _AUTH_* and the issuer seed for the callout."""
    settings = Settings.from_env(
        {
            "OSSATURE_NATS_USER": "svc",
            # pragma: allowlist nextline secret: made-up values under test
            "OSSATURE_NATS_PASSWORD": "pw",
            "OSSATURE_NATS_AUTH_USER": "auth",
            # pragma: allowlist nextline secret: made-up values under test
            "OSSATURE_NATS_AUTH_PASSWORD": "pw2",
            "OSSATURE_NATS_ISSUER_SEED": "SAEXAMPLE",
        }
    )
    credentials = NatsCredentials.from_settings(settings)
    assert credentials is not None and credentials.auth is not None
    assert (
        # pragma: allowlist nextline secret: made-up values under test
        {"user": "svc", "password": "pw"},
        # pragma: allowlist nextline secret: made-up values under test
        {"user": "auth", "password": "pw2"},
        "SAEXAMPLE",
        None,
    ) == (
        credentials.service.connect_options(),
        credentials.auth.connect_options(),
        credentials.issuer_seed,
        NatsCredentials.from_settings(Settings.from_env({})),
    )
