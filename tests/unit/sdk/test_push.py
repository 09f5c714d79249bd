"""The SDK's push values: a notification read from its JSON, a token's claims read unverified."""

from __future__ import annotations

import base64
import json

import pytest

from ossature.sdk import Notification, OssatureError
from ossature.sdk._push import token_claims


def test_a_notification_is_read_from_its_json() -> None:
    """Key, params, entity, event and trace land on named fields; the raw JSON is kept."""
    body = {
        "messageKey": "notifications.project-renamed",
        "params": {"projectName": "New"},
        "entity": {"type": "project", "id": "P1"},
        "eventId": "E1",
        "eventType": "project-renamed",
        "actorId": "U0",
        "trace": {"invocationId": "I"},
    }
    notification = Notification.from_json(body)
    assert (
        "notifications.project-renamed",
        {"projectName": "New"},
        "project",
        "P1",
        "E1",
        "U0",
        {"invocationId": "I"},
        body,
    ) == (
        notification.message_key,
        notification.params,
        notification.entity_type,
        notification.entity_id,
        notification.event_id,
        notification.actor_id,
        notification.trace,
        notification.raw,
    )


def test_a_tokens_claims_are_read_without_its_key() -> None:
    """The tenant and account ids that name the topic come from the token itself."""
    body = base64.urlsafe_b64encode(json.dumps({"tid": "T1", "sub": "U1"}).encode()).rstrip(b"=")
    assert {"tid": "T1", "sub": "U1"} == token_claims(f"e30.{body.decode()}.sig")


def test_a_malformed_token_is_an_unauthenticated_error() -> None:
    """Not a JWT: the SDK refuses it as the server would, with a message key."""
    with pytest.raises(OssatureError) as refused:
        token_claims("not-a-token")
    assert (401, "errors.unauthenticated") == (refused.value.status, refused.value.message_key)
