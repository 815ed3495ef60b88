"""CLI: ``python -m orchestration.demo --out data/inbox --customers 5000 --seed 42``.

``--responses N`` sizes the run by survey responses instead of customers; ``--clean``
removes the *.csv already in the out folder first; ``--measure`` prints the planted effects
as measured back from the written files.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from orchestration.demo.generator import customers_for, generate, persona_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.demo", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("data/inbox"), help="output folder")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--customers", type=int, default=5000, help="number of customers")
    size.add_argument("--responses", type=int, help="aim for about this many survey responses")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clean", action="store_true", help="delete *.csv in --out first")
    parser.add_argument("--measure", action="store_true", help="print the measured effects")
    args = parser.parse_args(argv)

    if args.clean and args.out.is_dir():
        for old in sorted(args.out.glob("*.csv")):
            old.unlink()
    customers = (
        args.customers if args.responses is None else customers_for(args.responses, args.seed)
    )
    started = time.perf_counter()
    written = generate(args.out, customers=customers, seed=args.seed)
    seconds = time.perf_counter() - started
    width = max(len(name) for name in written)
    for name, rows in sorted(written.items()):
        print(f"{name:<{width}}  {rows:>12,}")
    print(f"{'total':<{width}}  {sum(written.values()):>12,}")
    print(f"{len(written)} files, {customers:,} customers, seed {args.seed} -> {args.out} "
          f"in {seconds:.1f}s")  # fmt: skip
    if args.measure:
        from orchestration.demo.measure import measure

        for name, value in measure(args.out, persona_of(customers, args.seed)).items():
            print(f"{name:<45} {value:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
