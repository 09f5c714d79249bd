"""The tenancy module's commands, one file each: payload, event, handler.

The module's table (`tenancy/__init__.py`) imports each from its file.
"""
