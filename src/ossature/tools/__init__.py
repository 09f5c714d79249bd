"""Operator and developer commands built on a running system: the bench and the demo."""

__all__: list[str] = []
