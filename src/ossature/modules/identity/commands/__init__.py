"""The identity module's commands, one file each: payload, event(s), handler.

The module's table (`identity/__init__.py`) imports each from its file.
"""
