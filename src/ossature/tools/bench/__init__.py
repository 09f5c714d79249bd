"""`ossature bench`: requests/s, latency and CPU per request of a running system.

Four scenarios run one after the other at the same concurrency, in rounds: `baseline` (the
server a team writes by hand, inserting one row into the same PostgreSQL), `list-projects`,
`create-project` and `push-under-load` (create-project's load while one client times its
renames' MQTT messages). Then a rebuild is timed and memory read. Every aim is a ratio to the
baseline in the same run. Load comes from separate generator processes that report when they
saturate. See docs/performance.md.
"""

from ossature.tools.bench._command import bench

__all__ = ["bench"]
