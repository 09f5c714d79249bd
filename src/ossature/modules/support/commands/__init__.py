"""The support module's commands, one file each: payload, event, pure decide, handler.

The module's table (`support/__init__.py`) imports each from its file.
"""
