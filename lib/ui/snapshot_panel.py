"""The instructor's backups panel: the automatic snapshots, one taken now, and a restore after confirming;
and the notice of acknowledged saves found missing (lib.workspace.save_counter), which offers it."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from lib import settings
from lib.ui import lang, tr, workspace, workspace_restored
from lib.workspace import recovery, snapshots
from lib.workspace.backend import WorkspaceError
from lib.workspace.backup import BackupError
from lib.workspace.save_counter import LostSaves

DONE = "snap:done"


def _restore(name: str) -> None:
    data_dir = settings.data_dir()
    chosen = next((s for s in snapshots.list_snapshots(data_dir) if s.name == name), None)
    try:
        if chosen is None:
            raise BackupError("backup.error.missing")
        restored = recovery.restore(data_dir, chosen.path)
    except WorkspaceError as exc:
        st.session_state[DONE] = ("error", exc.text(lang()))
        return
    workspace_restored()
    lines = [tr("backup.restored", **restored.counts)]
    if restored.exercises:
        lines.append(tr("backup.restored_exercises", n=restored.exercises))
    if restored.kept_snapshot is not None:
        lines.append(tr("backup.kept_before", name=restored.kept_snapshot.name))
    if restored.set_aside:
        lines.append(tr("backup.set_aside", names="、".join(p.name for p in restored.set_aside)))
    st.session_state[DONE] = ("success", " ".join(lines))
    st.session_state.pop("snap:confirm", None)


def snapshot_panel(workspace_ok: bool = True) -> None:
    """List the snapshots (newest first) and restore the chosen one after a confirmation."""
    data_dir = settings.data_dir()
    st.subheader(tr("snap.title"))
    st.caption(tr("snap.lead", keep=settings.SNAPSHOT_KEEP))
    outcome = st.session_state.pop(DONE, None)
    if outcome is not None:
        (st.success if outcome[0] == "success" else st.error)(outcome[1])
    if workspace_ok and st.button(tr("snap.take_now"), key="snap:take", icon=":material/photo_camera:"):
        try:
            taken = snapshots.take_snapshot(workspace(), data_dir)
        except snapshots.SnapshotFailed as exc:
            st.error(tr(exc.key), icon=":material/error:")
        else:
            st.success(tr("snap.taken", name=taken.name))
    found = snapshots.list_snapshots(data_dir)
    if not found:
        st.info(tr("snap.none"))
    else:
        st.table(pd.DataFrame([{tr("snap.taken_at"): s.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                                tr("snap.size"): round(s.size / 1024, 1)} for s in found],
                              index=range(1, len(found) + 1)))
        # Numbered, newest first: two snapshots of the same second still read apart.
        labels = {s.name: f"{n}. {s.taken_at:%Y-%m-%d %H:%M:%S}" for n, s in enumerate(found, 1)}
        chosen = st.selectbox(tr("snap.choose"), list(labels), format_func=labels.get, key="snap:choice")
        confirmed = st.checkbox(tr("snap.confirm"), key="snap:confirm")
        st.button(tr("snap.restore"), key="snap:restore", type="primary", disabled=not confirmed,
                  icon=":material/restore:", on_click=_restore, args=(chosen,))
    st.caption(tr("snap.cli_hint"))


def lost_saves_notice(ws, lost: list[LostSaves]) -> None:
    """What was found missing, in Japanese, with the snapshots that may still hold it and the restore panel."""
    for report in lost:
        st.warning(report.text(lang()), icon=":material/warning:")
    since = [datetime.fromisoformat(r.last_kept_at) for r in lost if r.last_kept_at]
    newer = [s for s in snapshots.list_snapshots(settings.data_dir()) if not since or s.taken_at >= min(since)]
    st.caption(tr("lost_saves.newer_snapshots", n=len(newer)))
    if st.button(tr("lost_saves.dismiss"), key="lost_saves:dismiss", icon=":material/done:"):
        ws.backend.dismiss_lost_saves()
        st.rerun()
    snapshot_panel()
