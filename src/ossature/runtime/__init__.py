"""The composition root and the process roles: the module table, the pipeline, the system."""
