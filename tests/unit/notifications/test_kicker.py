"""Which connections the kicker drops for a deactivated account: pure, from CONNZ rows."""

from ossature.modules.notifications.kicker import connections_of

ROWS = [
    {"cid": 1, "name_tag": "acc1", "mqtt_client": "acc1-tab"},
    {"cid": 2, "name_tag": "acc1"},
    {"cid": 3, "mqtt_client": "acc1"},
    {"cid": 4, "name_tag": "acc12", "mqtt_client": "acc12-x"},
    {"cid": 5, "name_tag": "acc2", "mqtt_client": "acc2-acc1"},
    {"cid": 6},
]


def test_the_accounts_connections_are_named_by_their_jwt_or_their_client_id() -> None:
    """Its name tag or its own client id; not an account whose id merely starts alike."""
    assert [1, 2, 3] == connections_of("acc1", ROWS)
