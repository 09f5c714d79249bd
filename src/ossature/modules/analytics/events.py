"""Events of the analytics module. A location travels only sealed (see `_sealing.py`)."""

from ossature.kernel.messages import Event

__all__ = ["LoginSourceConfigured"]


class LoginSourceConfigured(Event, frozen=True):
    name = "login-source-configured"

    source_name: str
    kind: str
    sealed_location: str
    schedule: str
