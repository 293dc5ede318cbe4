"""Run the benchmarks and print one JSON object per figure.

    python bench/run.py                 # everything
    python bench/run.py --only startup  # one benchmark (or a name prefix)
    python bench/run.py --runs 7

Each figure: name, size, unit, median (of --runs runs, at least 5) and
baseline_median where a baseline is measured in the same run.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (
    anonymize,  # noqa: E402,F401
    chart_protection,  # noqa: E402,F401
    charts,  # noqa: E402,F401
    city,  # noqa: E402,F401
    city_map,  # noqa: E402,F401
    cli,  # noqa: E402,F401
    deliverables,  # noqa: E402,F401
    disclosure,  # noqa: E402,F401
    foundation,  # noqa: E402,F401  (registers benchmarks)
    maps,  # noqa: E402,F401
    page_cpu,  # noqa: E402,F401
    recipe,  # noqa: E402,F401
    survey_evidence,  # noqa: E402,F401
    test_suite,  # noqa: E402,F401
    user_sql,  # noqa: E402,F401
    workspace,  # noqa: E402,F401
)
from bench.harness import REGISTRY  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="run only the benchmarks whose name starts with this")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (at least 5)")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)
    chosen = [b for name, b in REGISTRY.items() if not args.only or name.startswith(args.only)]
    if not chosen:
        print(f"no benchmark named {args.only!r}; known: {', '.join(REGISTRY)}", file=sys.stderr)
        return 2
    for bench in chosen:
        for figure in bench.run(runs):
            print(figure.as_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
