"""Scaffolding: a new module, or a new command in a module, that passes its own tests."""

from ossature.tools.scaffold._command import new_command
from ossature.tools.scaffold._module import new_module
from ossature.tools.scaffold._names import NameRefused
from ossature.tools.scaffold._render import ScaffoldRefused

__all__ = ["NameRefused", "ScaffoldRefused", "new_command", "new_module"]
