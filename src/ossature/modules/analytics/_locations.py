"""Where a source may be: the operator's allow-list of directories and PostgreSQL servers.

A SQLite location is a path with no `..` part whose real path (symlinks resolved) lies
inside an allowed directory; a relative one is read from the var directory (`sources/crm.db`
is `<var_dir>/sources/crm.db`, inside the default allow-list). A PostgreSQL location is a URL naming
exactly one server, which must match an allowed `postgresql://host[:port]` entry
(no port in the entry: any port of that host); only the `host`, `port` and
`sslmode` parameters are accepted, so that a URL cannot make the server read a
file (`sslrootcert`, `passfile`, `service`). A socket directory is written
percent-encoded in the host (`postgresql://%2Frun%2Fpostgresql`) or as `?host=`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

from ossature.modules.analytics.errors import LocationNotAllowed

__all__ = ["AllowList", "PostgresTarget", "SourceTarget", "server_prefix"]

_SCHEMES = ("postgresql", "postgres")
_PARAMETERS = frozenset({"host", "port", "sslmode"})
_SSLMODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
_DEFAULT_PORT = 5432


@dataclass(frozen=True, repr=False)
class PostgresTarget:
    """One PostgreSQL database, as parsed from a location: what the connection uses, exactly.

    Its repr hides every field: a location is a secret, even in a traceback.
    """

    host: str
    port: int
    user: str | None = None
    password: str | None = None
    database: str | None = None
    sslmode: str | None = None

    def __repr__(self) -> str:
        return "PostgresTarget(<secret>)"


SourceTarget = Path | PostgresTarget


def _refuse(reason: str) -> LocationNotAllowed:
    return LocationNotAllowed({"reason": reason})


def _socket_dir(host: str) -> str:
    if ".." in PurePosixPath(host).parts:
        raise _refuse("escapes")
    return os.path.normpath(host)


def _host(raw: str) -> str:
    """A host name (lower case), an IP address, or a socket directory (an absolute path)."""
    host = unquote(raw)
    if host.startswith("/"):
        return _socket_dir(host)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or any(c in host for c in ",/\\@ \t") or "\x00" in host:
        raise _refuse("host")
    return host.lower()


def _split_hostport(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        host, _, rest = hostport.partition("]")
        host, port = host + "]", rest.removeprefix(":")
    elif hostport.count(":") == 1:
        host, _, port = hostport.partition(":")
    else:
        host, port = hostport, ""
    return host, _port(port) if port else None


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise _refuse("port")
    return int(raw)


def _parameters(query: str) -> dict[str, str]:
    try:
        parsed = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _refuse("parameters") from None
    if not set(parsed) <= _PARAMETERS or any(len(v) != 1 for v in parsed.values()):
        raise _refuse("parameters")
    return {k: v[0] for k, v in parsed.items()}


def _server(netloc_host: str, netloc_port: int | None, params: dict[str, str]) -> tuple[str, int]:
    if bool(netloc_host) == ("host" in params):
        raise _refuse("host")
    if netloc_port is not None and "port" in params:
        raise _refuse("port")
    host = _host(netloc_host or params["host"])
    port = netloc_port or (_port(params["port"]) if "port" in params else _DEFAULT_PORT)
    return host, port


def parse_postgresql(location: str) -> PostgresTarget:
    """The one server and database a `postgresql://` URL names; LocationNotAllowed otherwise."""
    try:
        parts = urlsplit(location)
    except ValueError:
        raise _refuse("url") from None
    if parts.scheme not in _SCHEMES or parts.fragment or "\x00" in location:
        raise _refuse("url")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    params = _parameters(parts.query)
    host, port = _server(*_split_hostport(hostport), params)
    database = unquote(parts.path.removeprefix("/"))
    if "/" in database or params.get("sslmode", "prefer") not in _SSLMODES:
        raise _refuse("url")
    return PostgresTarget(
        host=host,
        port=port,
        user=unquote(user) or None,
        password=unquote(password) or None,
        database=database or None,
        sslmode=params.get("sslmode"),
    )


def _server_entry(entry: str) -> tuple[str, int | None]:
    parts = urlsplit(entry)
    if parts.path not in ("", "/") or parts.query or "@" in parts.netloc:
        raise ValueError(f"an allowed server is postgresql://host[:port], not {entry!r}")
    host, port = _split_hostport(parts.netloc)
    return _host(host), port


def server_prefix(url: str) -> str:
    """The allow-list entry `postgresql://host:port` that admits the server of `url`."""
    target = parse_postgresql(url)
    host = target.host.replace("/", "%2F") if target.host.startswith("/") else target.host
    return f"postgresql://{host}:{target.port}"


@dataclass(frozen=True)
class AllowList:
    """The directories and servers a source may be in (OSSATURE_ANALYTICS_ALLOWED_LOCATIONS)."""

    directories: tuple[Path, ...]
    servers: tuple[tuple[str, int | None], ...]
    base: Path | None = None  # what a relative location is read from: the var directory

    @classmethod
    def parse(cls, entries: Iterable[str], base: Path | None = None) -> AllowList:
        """Entries are directories, or `postgresql://host[:port]`; blank ones are ignored.
        Relative SQLite locations are read from `base` (none: refused)."""
        directories: list[Path] = []
        servers: list[tuple[str, int | None]] = []
        for entry in (e.strip() for e in entries):
            if entry.startswith(tuple(f"{s}://" for s in _SCHEMES)):
                servers.append(_server_entry(entry))
            elif entry:
                directories.append(Path(entry).expanduser().resolve())
        return cls(tuple(directories), tuple(servers), base and base.resolve())

    def check(self, kind: str, location: str) -> SourceTarget:
        """What to read for a source of `kind` at `location`; LocationNotAllowed if not allowed."""
        if kind == "sqlite":
            return self.sqlite_path(location)
        return self.postgresql_target(location)

    def sqlite_path(self, location: str) -> Path:
        """The real path of a SQLite file inside an allowed directory."""
        relative = not location.startswith("/")
        if "\x00" in location or "://" in location or not location or (relative and not self.base):
            raise _refuse("path")
        if ".." in PurePosixPath(location).parts:
            raise _refuse("escapes")
        real = (self.base / location if relative and self.base else Path(location)).resolve()
        if not any(real != d and real.is_relative_to(d) for d in self.directories):
            raise _refuse("outside")
        return real

    def postgresql_target(self, location: str) -> PostgresTarget:
        """The database a URL names, on an allowed server."""
        target = parse_postgresql(location)
        for host, port in self.servers:
            if host == target.host and port in (None, target.port):
                return target
        raise _refuse("outside")
