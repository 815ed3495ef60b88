"""Ingest: inbox exports -> typed Parquet in the landing folder, with a quarantine and a ledger."""
