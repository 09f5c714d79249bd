"""Where the web app's files are."""

from pathlib import Path

__all__ = ["MESSAGES", "STATIC", "TEMPLATES"]

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MESSAGES = HERE / "messages"
