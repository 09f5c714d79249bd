"""The web app: the user-facing half of Ossature, a client of its public API.

Pages are rendered on the server (Jinja2), enhanced with htmx and live over MQTT; every call
goes through the Python SDK, so the web app holds no business rule and no list of
permissions: the server sends them as data (docs/decisions/0055-the-web-app-is-a-client.md).
"""

from ossature.web._settings import WebSettings
from ossature.web.app import build_web
from ossature.web.site import one_site

__all__ = ["WebSettings", "build_web", "one_site"]
