"""`ossature demo`: walk the main flows through the SDK against a running system."""

from ossature.tools.demo._walk import STEPS, Step, run_demo

__all__ = ["STEPS", "Step", "run_demo"]
