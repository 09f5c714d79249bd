import pytest

from ossature.sdk import (
    Conflict,
    Denied,
    InvalidRequest,
    NotFound,
    OssatureError,
    Outcome,
    ServerError,
    Unauthenticated,
    Unavailable,
    Unreachable,
    backoff_delay,
    error_from_problem,
    should_retry,
)
from ossature.sdk._errors import NETWORK_STATUS, network_error

BODY_ID = "01JINVOCATION0000000000000"
HEADER_ID = "01JHEADER00000000000000000"
DENIED = {
    "type": "https://ossature.dev/problems/denied",
    "title": "Denied",
    "status": 403,
    "messageKey": "errors.denied",
    "messageParams": {"action": "projects.rename"},
    "invocationId": BODY_ID,
    "retryable": False,
}


def test_a_problem_document_becomes_an_error_with_its_fields() -> None:
    """Every problem+json field lands on the matching OssatureError attribute."""
    expected = (403, "errors.denied", {"action": "projects.rename"}, BODY_ID, False, DENIED)

    error = error_from_problem(403, DENIED)

    actual = (
        error.status,
        error.message_key,
        error.message_params,
        error.invocation_id,
        error.retryable,
        error.problem,
    )
    assert expected == actual


def test_the_body_invocation_id_wins_over_the_header() -> None:
    """The invocation id in the problem is preferred to the X-Invocation-Id header's."""
    expected = BODY_ID

    actual = error_from_problem(403, DENIED, invocation_id=HEADER_ID).invocation_id

    assert expected == actual


def test_the_header_invocation_id_is_kept_when_the_body_has_none() -> None:
    """Without an invocationId in the body, the X-Invocation-Id header's value is used."""
    expected = HEADER_ID

    actual = error_from_problem(500, {"messageKey": "errors.internal"}, HEADER_ID).invocation_id

    assert expected == actual


def test_a_body_that_is_not_a_problem_gets_a_fallback_key() -> None:
    """An HTML error page still yields an error with a stable message key and no params."""
    expected: tuple[str, dict[str, object], dict[str, object]] = (
        "errors.unexpected-response",
        {},
        {},
    )

    error = error_from_problem(500, "<html>oops</html>")

    actual = (error.message_key, error.message_params, error.problem)
    assert expected == actual


@pytest.mark.parametrize(
    ("status", "expected"), [(503, True), (502, True), (429, True), (500, False)]
)
def test_without_a_declared_retryable_the_status_decides(status: int, expected: bool) -> None:
    """Overload and gateway statuses count as retryable when the body does not say."""
    actual = error_from_problem(status, None).retryable

    assert expected == actual


def test_a_declared_retryable_overrides_the_status() -> None:
    """The server's own retryable flag is trusted over the guess from the status."""
    expected = False

    actual = error_from_problem(503, {"retryable": False}).retryable

    assert expected == actual


def test_the_title_falls_back_to_the_message_key() -> None:
    """An error whose problem has no title uses its message key as its title."""
    expected = ("Denied", "errors.unreachable")

    actual = (error_from_problem(403, DENIED).title, network_error("refused").title)

    assert expected == actual


def test_malformed_message_params_are_ignored() -> None:
    """A messageParams that is not an object becomes empty rather than failing."""
    expected: dict[str, object] = {}

    actual = error_from_problem(422, {"messageParams": [1, 2]}).message_params

    assert expected == actual


def test_the_error_text_names_status_and_key() -> None:
    """str() of an error shows its status and message key."""
    expected = "409 errors.concurrency-conflict"

    actual = str(OssatureError(409, "errors.concurrency-conflict"))

    assert expected == actual


def test_a_network_failure_is_a_retryable_error_with_status_zero() -> None:
    """A call that got no answer is reported with status 0 and marked retryable."""
    expected = (NETWORK_STATUS, "errors.unreachable", True)

    error = network_error("ConnectError")

    actual = (error.status, error.message_key, error.retryable)
    assert expected == actual


def test_a_failed_batch_outcome_parses_its_body_as_a_problem() -> None:
    """A batch outcome with an error status exposes its problem as an OssatureError."""
    expected = "errors.denied"

    error = Outcome(403, DENIED).error

    assert error is not None
    assert expected == error.message_key


def test_a_successful_batch_outcome_has_no_error() -> None:
    """A 2xx batch outcome is ok and carries no error."""
    outcome = Outcome(200, {"projectId": "01JPROJECT0000000000000000"})

    assert outcome.ok
    assert outcome.error is None


def test_a_retryable_problem_is_retried_while_retries_remain() -> None:
    """A problem the server marks retryable is retried after the first of three attempts."""
    expected = True

    actual = should_retry(503, True, attempt=0, retries=2)

    assert expected == actual


def test_a_network_failure_is_retried() -> None:
    """A call that got no answer is retried; the idempotency key makes that safe."""
    expected = True

    actual = should_retry(NETWORK_STATUS, False, attempt=1, retries=2)

    assert expected == actual


@pytest.mark.parametrize("status", [401, 403, 404, 409, 413, 422])
def test_a_problem_not_marked_retryable_is_never_retried(status: int) -> None:
    """A failure the server does not mark retryable fails at once, whatever the budget."""
    expected = False

    actual = should_retry(status, False, attempt=0, retries=5)

    assert expected == actual


def test_retries_stop_when_the_budget_is_spent() -> None:
    """Even a retryable failure is not retried once the attempts reach the budget."""
    expected = False

    actual = should_retry(503, True, attempt=2, retries=2)

    assert expected == actual


def test_nothing_is_retried_by_default() -> None:
    """With the default budget of zero retries, even a network failure is not retried."""
    expected = False

    actual = should_retry(NETWORK_STATUS, True, attempt=0, retries=0)

    assert expected == actual


def test_the_backoff_doubles_then_caps() -> None:
    """The wait starts at 0.1 s, doubles with each attempt and never exceeds 2 s."""
    expected = [0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0]

    actual = [backoff_delay(attempt) for attempt in range(7)]

    assert expected == actual


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (0, Unreachable),
        (400, InvalidRequest),
        (401, Unauthenticated),
        (403, Denied),
        (404, NotFound),
        (409, Conflict),
        (413, InvalidRequest),
        (422, InvalidRequest),
        (429, Unavailable),
        (500, ServerError),
        (503, Unavailable),
        (507, ServerError),
    ],
)
def test_a_problem_raises_the_exception_class_of_its_status(
    status: int, kind: type[OssatureError]
) -> None:
    """The class says the kind of failure; every one is still an OssatureError."""
    error = error_from_problem(status, {"messageKey": "k"})

    assert kind is type(error)
    assert isinstance(error, OssatureError)


def test_a_status_no_class_names_is_a_plain_ossature_error() -> None:
    """A status outside the known kinds (a 418) is an OssatureError and nothing narrower."""
    assert OssatureError is type(error_from_problem(418, None))


def test_a_network_failure_is_unreachable() -> None:
    """A call that got no answer raises Unreachable."""
    assert isinstance(network_error("refused"), Unreachable)


def test_a_throttled_log_in_says_how_long_to_wait_and_is_not_retried_at_once() -> None:
    """429 identity.too-many-attempts: Unavailable, its retryAfter in seconds, not retryable."""
    problem = {
        "messageKey": "identity.too-many-attempts",
        "messageParams": {"retryAfter": 120},
        "retryable": False,
    }
    error = error_from_problem(429, problem)

    assert (Unavailable, 120, False) == (type(error), error.retry_after, error.retryable)


def test_an_error_without_retry_after_has_none() -> None:
    assert None is error_from_problem(503, {"messageKey": "errors.unavailable"}).retry_after
