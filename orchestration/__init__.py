"""The loyalty warehouse's Dagster code location: ingest -> transform -> quality -> serve."""
