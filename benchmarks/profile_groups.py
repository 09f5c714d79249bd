"""A py-spy raw profile's samples by group: each sample counted once, in the first group of
GROUPS whose patterns its stack holds.

A coroutine's stack starts where the event loop resumed it, so the outermost frame of ours
is not a stable key; the groups are ordered from the most specific (the log line, the
histogram) to the most general (the HTTP server, the event loop).

Run: py-spy record -p <up pid> -r 200 -d 10 -f raw --nonblocking -o /tmp/up.raw (during a
scenario's window), then .venv/bin/python benchmarks/profile_groups.py /tmp/up.raw
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

GROUPS = (
    ("the log flusher thread", ("_Flusher",)),
    ("other threads", ("Thread._bootstrap",)),
    ("the log line (structlog, kernel/logging)", ("structlog/", "kernel/logging.py")),
    ("the invocation histogram (prometheus)", ("prometheus_client/",)),
    ("the audit writer", ("audit/writer.py",)),
    ("the notifier", ("notifications/",)),
    ("relay, runners, consumers, NATS", ("kernel/relay.py", "kernel/consumers.py", "nats/")),
    ("list-projects' rows made into dicts", ("list_projects.<locals>.<listcomp>",)),
    ("the commit", ("group_commit.py", "unit_of_work.py", "eventstore.py")),
    ("asyncpg (statements, pool)", ("asyncpg/",)),
    ("token, context, gateway", ("gateway/", "runtime/contexts.py", "_tokens.py", "web/site.py")),
    ("pipeline and modules", ("runtime/pipeline.py", "ossature/modules/", "ossature/kernel/")),
    ("the HTTP server (uvicorn, starlette)", ("uvicorn/", "h11/", "starlette/")),
    ("the event loop", ("asyncio/", "uvloop")),
)


def grouped(lines: list[str]) -> tuple[Counter[str], int]:
    """Samples per group, and the samples in all."""
    counts: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack:
            continue
        total += int(count)
        group = next((name for name, parts in GROUPS if any(p in stack for p in parts)), "other")
        counts[group] += int(count)
    return counts, total


def main(path: Path) -> None:
    counts, total = grouped(path.read_text().splitlines())
    print(f"{total} samples")
    for group, count in counts.most_common():
        print(f"{100 * count / total:5.1f}% {group}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    main(parser.parse_args().profile)
