"""The `eventsourcing` library's side of benchmarks/eventsourcing_appends.py: an application
whose command creates a project, one new aggregate and so one new event each time, saved
the way the library's docs show (`app.save(aggregate)`), by threads (the library is
synchronous), on its PostgreSQL persistence module configured by environment.

What one save sends (eventsourcing/postgres.py, `PostgresApplicationRecorder`): in one
pipelined transaction, `SET LOCAL lock_timeout`, `LOCK TABLE … IN EXCLUSIVE MODE` (so that
notification ids are issued in commit order: writers are serialised), `NOTIFY`, the INSERT
returning the notification id, COMMIT.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

from _es_drive import Tally, Window
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

TABLE = "projects_events"  # the application's name, lower case, then `_events`


class Project(Aggregate):
    @event("Created")
    def __init__(self, folder_id: str, name: str) -> None:
        self.folder_id = folder_id
        self.name = name


class Projects(Application):
    def create_project(self, folder_id: str, name: str) -> UUID:
        project = Project(folder_id, name)
        self.save(project)
        return project.id


def environment(database_url: str, clients: int, db_functions: bool = False) -> dict[str, str]:
    """The library's documented settings for its PostgreSQL module, for the database at
    `database_url`, with a pool as large as the clients (none ever waits for a connection).
    With `db_functions`, its insert is one call of a function it makes (a setting its code
    reads, undocumented): no round trip for the table lock, nor the lock itself."""
    parts = urlsplit(database_url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": query.get("host") or parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": query.get("port") or str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(clients),
        "POSTGRES_MAX_OVERFLOW": "0",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "y" if db_functions else "n",
    }


def drive(app: Projects, clients: int, window: Window) -> list[Tally]:
    """`clients` threads creating projects back to back through the window; the first
    error any of them met is raised once all have stopped."""
    tallies = [Tally() for _ in range(clients)]
    errors: list[BaseException] = []

    def client(tally: Tally) -> None:
        try:
            while True:
                began = time.monotonic()
                app.create_project("folder", "a project")
                if not window.done(tally, began):
                    return
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=client, args=(tally,)) for tally in tallies]
    window.open()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return tallies
