"""`ossature bench`: requests/s, latency and CPU per request of a running system.

Three scenarios run one after the other at the same concurrency: `bare-insert` (a bare
server inserting one row into the same PostgreSQL: the baseline), `create-project` and
`list-projects`. Load comes from separate generator processes that report when they
saturate. See docs/performance.md.
"""

from ossature.tools.bench._command import bench

__all__ = ["bench"]
