"""CPU per warm page run: each classroom page run again and again with nothing new to compute.

AppTest runs the whole app (app.py's navigation and sidebar, then the page) in this
process, so the process's CPU time over a run is the server's cost of one page run.
The first run of each page (cold: imports, database, caches) is left out.

    python bench/run.py --only page_cpu --runs 9
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time

from bench.harness import Figure, benchmark

# The classroom mix (bench/classroom.py clicks through the same pages), then the analyses of issue 24.
PAGES = ["home", "catalog", "chart_builder", "pivot_table", "statistics", "survey_analysis", "map",
         "area_patterns", "projection"]


def warm_page_cpu(page: str, runs: int) -> list[float]:
    """CPU seconds of `runs` warm reruns of `page` (after one cold run)."""
    from unittest import mock

    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, app_test, local_script_runner

    app = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app.py")
    # AppTest compiles app.py and the page afresh on every run (a new ScriptCache each time); a server
    # compiles them once (one ScriptCache for its runtime). One cache for all runs, as a server has.
    shared = ScriptCache()
    with mock.patch.object(app_test, "ScriptCache", lambda: shared), \
            mock.patch.object(local_script_runner, "ScriptCache", lambda: shared):
        at = AppTest.from_file(app, default_timeout=120).run()
        at.switch_page(f"pages/{page}.py").run()
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception}")
        times = []
        for _ in range(runs):
            started = time.process_time()
            at.run()
            times.append(time.process_time() - started)
    return times


@benchmark("page_cpu")
def page_cpu(runs: int) -> list[Figure]:
    os.environ.setdefault("WORKBENCH_DATA_DIR", tempfile.mkdtemp(prefix="bench-page-cpu-"))
    figures = []
    for page in PAGES:
        times = warm_page_cpu(page, runs)
        figures.append(Figure(f"page_cpu_{page}", page, "s", statistics.median(times), runs,
                              note=f"max {max(times):.3f} s; load average {os.getloadavg()[0]:.2f}"))
    return figures
