"""The composition root, process roles, embedded engines and CLI."""
