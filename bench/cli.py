"""The command line, as an instructor starts it: `--help`, and `export --group example` (PPTX).

Each run is a fresh `python -m lib.cli` process (imports included, which are most of its time),
on a data folder prepared once beforehand (demo database built, example group seeded), so the
figure is a command's own time, not the first build. The note gives the load average before and
after, and the commit.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds

ROOT = Path(__file__).resolve().parent.parent


def _cli(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _conditions(load_before: str) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return f"commit {commit}; load average before {load_before}, after {_load()}"


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


@benchmark("cli")
def cli(runs: int) -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(root / "data")}
    out = root / "example.pptx"
    export = ("export", "--group", "example", "--format", "pptx", "--out", str(out))
    try:
        _cli(env, *export)  # builds the demo database and seeds the example group, untimed
        load_before = _load()
        help_seconds = median_seconds(lambda: _cli(env, "--help"), runs)
        export_seconds = median_seconds(lambda: _cli(env, *export), runs)
        conditions = _conditions(load_before)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [Figure("cli_help_s", "-", "s", help_seconds, runs, note=f"python -m lib.cli --help; {conditions}"),
            Figure("cli_export_example_pptx_s", "-", "s", export_seconds, runs,
                   note=f"python -m lib.cli export --group example --format pptx (data folder ready); {conditions}")]
