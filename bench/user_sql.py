"""Trainee SQL through a worker process vs. on the server's own cursor: the overhead per query.

The worker (lib.analysis.sql_worker) adds a process hop, Arrow IPC and the byte budget; the
baseline runs the same query on a cursor of the published database in this process with .df().
A worker's start (Python, DuckDB, the spatial extension) is measured apart: it happens once per
worker, and again only after a worker was killed.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds

QUERIES = {
    "select_1": "SELECT 1 AS x",
    "aggregate": "SELECT a.district, sum(p.population) AS people FROM population p JOIN areas a USING (area_code) "
                 "GROUP BY ALL ORDER BY people DESC",
    "rows_10000": "SELECT * FROM population LIMIT 10000",
}


def _load() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


@benchmark("user_sql")
def user_sql_overhead(runs: int) -> list[Figure]:
    from lib.analysis.sql_worker import WorkerPool
    from lib.analysis.user_sql import run_user_sql, worker_pool
    from lib.data.store import Store

    store = Store(Path(tempfile.mkdtemp(prefix="bench-sql-")))
    cursor = store.published()
    run_user_sql(store.published_path, "SELECT 1")  # a warm worker, as on a running server
    figures = []
    for name, sql in QUERIES.items():
        worker = median_seconds(lambda sql=sql: run_user_sql(store.published_path, sql), runs)
        in_process = median_seconds(lambda sql=sql: cursor.execute(sql).df(), runs)
        rows = len(cursor.execute(sql).df())
        figures.append(Figure(f"user_sql_{name}_s", rows, "s", worker, runs, baseline_median=in_process,
                              note=f"rows returned; baseline: same query on an in-process cursor; {_load()}"))

    def start_one_worker():
        pool = WorkerPool(1, worker_pool().memory_mb)
        pool.run({"database": str(store.published_path), "query": "SELECT 1", "time_limit_s": 10,
                  "row_cap": 1, "byte_budget": 1000}, wait_s=10)
        pool.close()

    figures.append(Figure("user_sql_worker_start_s", 1, "s", median_seconds(start_one_worker, runs), runs,
                          note=f"start a worker and run SELECT 1 (once per worker); {_load()}"))
    cursor.close()
    store.close()
    return figures
