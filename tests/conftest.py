"""Shared test settings: logs as JSON, quiet by default."""

import os

os.environ.setdefault("OSSATURE_LOG_LEVEL", "warning")
