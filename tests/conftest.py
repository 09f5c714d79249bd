"""Shared test settings: logs as JSON, quiet by default."""

import os
from pathlib import Path

os.environ.setdefault("OSSATURE_LOG_LEVEL", "warning")
# Every line the run's systems write (subprocesses included: they inherit it) is also copied
# here, and `python -m ossature.tools.logcheck` checks them against schemas/log-line.json.
os.environ.setdefault("OSSATURE_LOG_COPY", str(Path(__file__).parents[1] / ".ci/artifacts/logs"))

# The real engines, shared by every suite that needs them (integration, contract).
pytest_plugins = ("tests.engines",)
