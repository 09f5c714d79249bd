"""Shared test settings: logs as JSON, quiet by default."""

import os

os.environ.setdefault("OSSATURE_LOG_LEVEL", "warning")

# The real engines, shared by every suite that needs them (integration, contract).
pytest_plugins = ("tests.engines",)
