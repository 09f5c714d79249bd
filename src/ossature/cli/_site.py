"""The API and the web app of a started system, on one port."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp

from ossature.gateway.app import gateway_of
from ossature.gateway.front import invoked_name
from ossature.runtime.system import System
from ossature.sdk import InProcess
from ossature.web import WebSettings, build_web, one_site

__all__ = ["site_of"]


def site_of(system: System) -> ASGIApp:
    """The gateway's routes, and the web app for the pages, which calls the gateway in this
    process as the browser's proxy (docs/decisions/0055-the-web-app-is-a-client.md)."""
    gateway = gateway_of(system)
    web_settings = WebSettings.load(system.settings.secrets_dir)

    def in_process(request: Request) -> InProcess:
        return InProcess(gateway, client_ip=request.client.host if request.client else "")

    web = build_web(in_process, web_settings)
    return one_site(gateway, web, lambda scope: invoked_name(scope) is not None)
