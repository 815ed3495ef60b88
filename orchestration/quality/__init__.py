"""Data quality: Great Expectations suites (expectations/*.json) validated in SQL on DuckDB,
run as blocking Dagster asset checks (``orchestration.quality.checks.build_gx_checks``)."""
