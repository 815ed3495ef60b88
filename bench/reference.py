"""Run bench/reference.sql (the hand-written DuckDB marts) into a DuckDB file.

python -m bench.reference --landing DIR --db FILE [--threads N] [--memory 3GB]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from orchestration.sql import fill_paths, sql_ident, sql_str

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reference", description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory", default="3GB")  # the profile's default
    args = parser.parse_args(argv)
    sql = (HERE / "reference.sql").read_text()
    sql = fill_paths(sql, LANDING=args.landing.resolve(), SEEDS=SEEDS)
    args.db.unlink(missing_ok=True)
    with duckdb.connect(str(args.db)) as con:
        con.execute(f"set threads = {int(args.threads)}; set memory_limit = {sql_str(args.memory)}")
        con.execute(sql)
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by 1"
        ).fetchall():
            rows = con.execute(f"select count(*) from marts.{sql_ident(name)}").fetchone()[0]
            print(f"{name:<24} {rows:>12,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
