"""lib.ui.runtime's reach into Streamlit holds on the installed version (a Streamlit upgrade is checked here)."""
from __future__ import annotations

import inspect

from streamlit import delta_generator

import lib.ui.runtime  # noqa: F401  (the workaround is made at import)


def test_streamlits_repl_check_is_skipped_on_the_first_element():
    """On a process's first element Streamlit reads the source of every frame on the stack to tell a REPL
    (half a second of a fresh server's first page); the flag that says it was done must still be the one read."""
    assert "_use_warning_has_been_displayed" in inspect.getsource(delta_generator._maybe_print_use_warning)
    assert delta_generator._use_warning_has_been_displayed is True
