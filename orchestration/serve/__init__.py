"""Serve: read-only access to the marts (summary, BI connections)."""
