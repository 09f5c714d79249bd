"""Django-like applications for login extracts: a user table with an email and a last login.

`SqliteApp` writes a file shaped like a Django project's SQLite database;
`PostgresApp` a database on the test cluster, read through a read-only role.
Both let a test sign users in at chosen instants, as days pass between extracts.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from ossature.kernel.ids import new_id

__all__ = ["PostgresApp", "SqliteApp"]

_SQLITE_SCHEMA = """create table "auth_user" (
    "id" integer not null primary key autoincrement, "password" varchar(128) not null,
    "last_login" datetime null, "is_superuser" bool not null,
    "username" varchar(150) not null unique, "last_name" varchar(150) not null,
    "email" varchar(254) not null, "is_staff" bool not null, "is_active" bool not null,
    "date_joined" datetime not null, "first_name" varchar(150) not null)"""
_SQLITE_ADD = """insert into auth_user (password, last_login, is_superuser, username, last_name,
    email, is_staff, is_active, date_joined, first_name)
    values ('!', null, 0, ?, '', ?, 0, 1, '2026-01-01 00:00:00', '')"""


def _django_text(at: datetime) -> str:
    """How Django's SQLite backend stores an aware datetime: naive UTC text."""
    return at.replace(tzinfo=None).isoformat(" ")


class SqliteApp:
    """A Django-like SQLite database at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.execute(_SQLITE_SCHEMA)

    def add_user(self, email: str) -> None:
        with closing(sqlite3.connect(self.path)) as conn, conn:
            conn.execute(_SQLITE_ADD, (email, email))

    def log_in(self, email: str, at: datetime) -> None:
        with closing(sqlite3.connect(self.path)) as conn, conn:
            conn.execute(
                "update auth_user set last_login = ? where email = ?", (_django_text(at), email)
            )


class PostgresApp:
    """A Django-like database made on the cluster of `owner_url`, with a read-only role."""

    def __init__(self, owner_url: str) -> None:
        self.owner_url, self.name = owner_url, f"source_{new_id().lower()}"
        self.reader = f"reader_{self.name}"

    def url(self, database: str, user: str | None = None, password: str = "") -> str:
        """The owner's URL to `database`, or another user's (`user:password`)."""
        parts = urlsplit(self.owner_url)
        host = parts.netloc.rpartition("@")[2]
        netloc = f"{user}:{password}@{host}" if user else parts.netloc
        return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))

    @property
    def location(self) -> str:
        """The read-only URL a tenant configures."""
        return self.url(self.name, self.reader, "reader-password")

    async def create(self) -> None:
        admin = await asyncpg.connect(self.owner_url)
        try:
            await admin.execute(f'create database "{self.name}"')
            await admin.execute(f"create role {self.reader} login password 'reader-password'")
        finally:
            await admin.close()
        await self._run(
            "create table auth_user (id serial primary key, email varchar(254) not null,"
            " last_login timestamptz null)",
            f"grant select on auth_user to {self.reader}",
        )

    async def _run(self, *statements: str, args: tuple[object, ...] = ()) -> None:
        conn = await asyncpg.connect(self.url(self.name))
        try:
            for statement in statements:
                await conn.execute(statement, *args)
        finally:
            await conn.close()

    async def add_user(self, email: str) -> None:
        await self._run("insert into auth_user (email) values ($1)", args=(email,))

    async def log_in(self, email: str, at: datetime) -> None:
        await self._run("update auth_user set last_login = $2 where email = $1", args=(email, at))
