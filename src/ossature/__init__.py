"""Ossature: a walking skeleton for multi-tenant, event-driven SaaS."""
