"""lib.ui.runtime's reach into Streamlit holds on the installed version (a Streamlit upgrade is checked here)."""
from __future__ import annotations

import inspect
import subprocess
import sys

from streamlit import delta_generator

import lib.ui.runtime  # noqa: F401  (the workaround is made at import)
from tests.conftest import ROOT


def test_streamlits_repl_check_is_skipped_on_the_first_element():
    """On a process's first element Streamlit reads the source of every frame on the stack to tell a REPL
    (half a second of a fresh server's first page); the flag that says it was done must still be the one read."""
    assert "_use_warning_has_been_displayed" in inspect.getsource(delta_generator._maybe_print_use_warning)
    assert delta_generator._use_warning_has_been_displayed is True


def test_libraries_with_circular_imports_are_whole_before_any_page_runs():
    """Pages of several sessions import these at once on a fresh server: half-initialised, their circular imports
    fail ("cannot import name 'ENV' from 'branca.element'"); app.py's `import lib.ui` (which the other sessions
    wait for) must have imported them whole."""
    code = "import sys, lib.ui; print(all(m in sys.modules for m in ('folium', 'branca.element', 'openpyxl')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr
