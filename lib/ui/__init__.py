"""The UI layer, the only part of lib/ that imports streamlit.

Pages call `ui.<name>` for what every page needs; each name lives in the module of its concern:

- lib.ui.runtime: Streamlit-internal workarounds (every run through app.py, page runs, the browser's address)
- lib.ui.text: the language and what is said in it (`tr`, `tr_literal`, the language switch)
- lib.ui.startup: this process's store and workspace (prepared by lib.workspace.startup, as the CLI does)
- lib.ui.identity: who this session is (member, shared PC, instructor) and the history's name for them
- lib.ui.membership: joining, leaving, signing in again after F5 or a restart
- lib.ui.instructor_login: the instructor's passcode
- lib.ui.errors: what a page shows when something fails
- lib.ui.evidence_form: saving a chart, map, table or analysis as evidence

Other lib/ui/ modules hold larger widgets.
"""
from __future__ import annotations

from lib.ui.errors import run_page, saving, show_error, show_query_error, show_save_error
from lib.ui.evidence_form import saved_evidence
from lib.ui.identity import actor, current_member, is_instructor, require_group, sql_owner, who_am_i
from lib.ui.instructor_login import passcode_lockouts, require_instructor
from lib.ui.membership import (
    SHARED_FONT_SIZE,
    restore_sign_in,
    shared_pc,
    sign_in_member,
    sign_in_shared_pc,
    sign_out_instructor,
    sign_out_member,
)
from lib.ui.runtime import leave_pages_folder_mode, page_arrived, resync
from lib.ui.startup import (
    drafts,
    start_store,
    store,
    workspace,
    workspace_lost,
    workspace_problem,
    workspace_restored,
)
from lib.ui.text import (
    dataset_title,
    lang,
    language_switch,
    plotly_chart,
    show_suppressed,
    streamlit_in_language,
    tr,
    tr_literal,
)

__all__ = [
    "SHARED_FONT_SIZE", "actor", "current_member", "dataset_title", "drafts", "is_instructor", "lang",
    "language_switch", "page_arrived", "passcode_lockouts", "plotly_chart", "require_group", "require_instructor",
    "restore_sign_in", "resync", "run_page", "saved_evidence", "saving", "shared_pc", "show_error",
    "show_query_error", "show_save_error", "show_suppressed", "sign_in_member", "sign_in_shared_pc",
    "sign_out_instructor", "sign_out_member", "sql_owner", "start_store", "store", "streamlit_in_language", "tr",
    "tr_literal", "who_am_i", "workspace", "workspace_lost", "workspace_problem", "workspace_restored",
]

# A deep link's first run on a fresh server imports this before any page code asks for the language.
leave_pages_folder_mode()
