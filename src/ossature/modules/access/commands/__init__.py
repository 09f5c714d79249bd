"""The access module's commands, one file each: payload, event, pure decide, handler.

The module's table (`access/__init__.py`) imports each from its file.
"""
