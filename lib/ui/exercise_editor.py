"""The instructor page's exercise themes tab: write a theme in a form (or paste YAML), check each answer on
the published data before saving, edit or delete the instructor's own themes, and take them to another
server or year as one file. The work is done by lib.workspace.exercise_authoring and exercise_bundle;
widget keys live under `exed:`, and every change of the form's state happens in a callback, before the
widgets are drawn, so a refused save keeps what was typed."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.ui.user_text import literal
from lib.workspace import exercise_authoring as authoring
from lib.workspace import exercise_bundle, exercises
from lib.workspace.exercise_authoring import QuestionDraft, ThemeDraft

PREFIX = "exed:"
NEW = ""  # the picker's choice for a new theme


def _key(name: str, index: int | None = None) -> str:
    return f"{PREFIX}q{index}:{name}" if index is not None else PREFIX + name


def _state():
    return st.session_state


# ---------------------------------------------------------------------------- the form's state
def _load(draft: ThemeDraft) -> None:
    """Put a draft in the form (widget values, and what the form does not show)."""
    state = _state()
    for name in [k for k in state if str(k).startswith(PREFIX + "q")]:
        del state[name]
    state[_key("id")], state[_key("raw")] = draft.exercise_id, draft.raw
    for name in ("title", "theme", "story", "hypotheses", "datasets"):
        state[_key(name)] = getattr(draft, name)
    state[_key("count")] = len(draft.questions)
    for i, question in enumerate(draft.questions):
        for name in ("text", "kind", "sql", "value", "tolerance", "unit", "hint", "raw"):
            state[_key(name, i)] = getattr(question, name)


def _read() -> ThemeDraft:
    """The draft the form holds now."""
    state = _state()
    questions = [QuestionDraft(
        text=state.get(_key("text", i), ""), kind=state.get(_key("kind", i), "sql"), sql=state.get(_key("sql", i), ""),
        value=state.get(_key("value", i), ""), tolerance=float(state.get(_key("tolerance", i)) or 0.0),
        unit=state.get(_key("unit", i), ""), hint=state.get(_key("hint", i), ""), raw=state.get(_key("raw", i)) or {})
        for i in range(state.get(_key("count"), 1))]
    return ThemeDraft(state.get(_key("id")), state.get(_key("title"), ""), state.get(_key("theme"), ""),
                      state.get(_key("story"), ""), state.get(_key("hypotheses"), ""),
                      list(state.get(_key("datasets")) or []), questions, state.get(_key("raw")) or {})


def _picked() -> None:
    chosen = _state()[_key("pick")]
    own = {e.id: e for e in authoring.own_exercises()}
    _load(authoring.draft_of(own[chosen]) if chosen in own else ThemeDraft())
    _state().pop(_key("message"), None)


def _add_question() -> None:
    draft = _read()
    draft.questions.append(QuestionDraft())
    _load(draft)


def _remove_question(index: int) -> None:
    draft = _read()
    del draft.questions[index]
    _load(draft)


def _preview(index: int) -> None:
    try:
        value = authoring.preview(_read().questions[index], index + 1, ui.store().published_path)
    except exercises.ExerciseError as exc:
        _state()[_key("result", index)] = ("error", exc.text(ui.lang()))
    else:
        _state()[_key("result", index)] = ("ok", value)


def _save() -> None:
    try:
        saved, answers = authoring.save(_read(), ui.store().published_path)
    except exercises.ExerciseError as exc:  # nothing saved; the form keeps every typed text
        _state()[_key("message")] = ("error", exc.text(ui.lang()))
        return
    _load(authoring.draft_of(saved))
    _state()[_key("pick")] = saved.id
    for i, value in enumerate(answers):
        _state()[_key("result", i)] = ("ok", value)
    _state()[_key("message")] = ("ok", ui.tr("exed.saved", title=saved.title_in("ja"), n=len(answers)))


def _delete() -> None:
    own = {e.id: e for e in authoring.own_exercises()}
    chosen = own.get(_state().get(_key("pick")))
    if chosen is None:
        return
    authoring.delete(chosen)
    _state()[_key("pick")] = NEW
    _load(ThemeDraft())
    _state()[_key("message")] = ("ok", ui.tr("exed.deleted", title=chosen.title_in("ja")))


def _import() -> None:
    """Import the uploaded bundle before the page is drawn (the picker then lists its themes)."""
    upload = _state().get(_key("bundle"))
    if upload is None:
        return
    try:
        done = exercise_bundle.import_bundle(upload.getvalue(), upload.name, ui.store().published_path)
    except exercises.ExerciseError as exc:  # nothing imported
        _state()[_key("imported")] = ("error", [ui.tr("exed.import_refused"), *exc.text(ui.lang()).splitlines()])
    else:
        _state()[_key("imported")] = ("ok", ui.tr("exed.imported", added=len(done.added), replaced=len(done.replaced),
                                                  titles="、".join(done.added + done.replaced)))


# ---------------------------------------------------------------------------- drawing
def _dataset_options(chosen: list[str]) -> dict[str, str]:
    """The city's published datasets (not the demo city's once on a real one), and those already chosen."""
    catalog = load_catalog()
    names = [n for n, ds in catalog.items() if not ds.demo_on_real_city]
    names += [n for n in chosen if n not in names]
    return {n: f"{catalog[n].title_in(ui.lang())}（{n}）" if n in catalog else n for n in names}


def _tables_help(chosen: list[str]) -> None:
    catalog = load_catalog()
    for name in chosen:
        if name in catalog:
            st.caption(literal(ui.tr("exed.columns", table=name,
                                     columns="、".join(c.name for c in catalog[name].data_columns))))


def _question_form(index: int) -> None:
    state = _state()
    raw = state.get(_key("raw", index)) or {}
    with st.container(border=True):
        st.markdown(f"**{ui.tr('ex.question', n=index + 1)}**")
        st.text_area(ui.tr("exed.q_text"), key=_key("text", index), height=80)
        if state.get(_key("kind", index)) == authoring.INDICATOR:
            st.caption(ui.tr("exed.indicator", indicator=raw.get("indicator", ""), year=raw.get("year", "")))
        else:
            kind = st.radio(ui.tr("exed.kind"), authoring.ANSWER_KINDS, key=_key("kind", index), horizontal=True,
                            format_func=lambda k: ui.tr(f"exed.kind.{k}"))
            st.text_area(ui.tr("exed.sql"), key=_key("sql", index), height=90, disabled=kind != "sql",
                         placeholder="SELECT COUNT(*) FROM …")
            st.text_input(ui.tr("exed.value"), key=_key("value", index), disabled=kind != "value")
        left, right = st.columns(2)
        left.number_input(ui.tr("exed.tolerance"), min_value=0.0, step=0.1, format="%g", key=_key("tolerance", index))
        right.text_input(ui.tr("exed.unit"), key=_key("unit", index))
        st.text_area(ui.tr("exed.hint"), key=_key("hint", index), height=68)
        left, right = st.columns(2)
        left.button(ui.tr("exed.preview"), key=_key("preview", index), on_click=_preview, args=(index,),
                    icon=":material/calculate:")
        if state.get(_key("count"), 1) > 1:
            right.button(ui.tr("exed.remove_question"), key=_key("remove", index), on_click=_remove_question,
                         args=(index,), icon=":material/delete:")
        result = state.get(_key("result", index))
        if result and result[0] == "ok":
            st.success(ui.tr("exed.expected", value=f"{result[1]:,.6g}"))
        elif result:
            st.error(result[1])


def editor(own: dict[str, exercises.Exercise]) -> None:
    """Create a theme, or pick one of the instructor's own themes (`own`, by id) to edit or delete."""
    st.subheader(ui.tr("exed.title"))
    st.caption(ui.tr("exed.lead"))
    if _state().get(_key("pick"), NEW) not in own:
        _state()[_key("pick")] = NEW
    st.selectbox(ui.tr("exed.pick"), [NEW, *own], key=_key("pick"), on_change=_picked,
                 format_func=lambda i: ui.tr("exed.new") if i == NEW else own[i].title_in(ui.lang()))
    st.text_input(ui.tr("exed.theme_title"), key=_key("title"))
    st.text_input(ui.tr("exed.field"), key=_key("theme"), placeholder=ui.tr("exed.field_example"))
    st.text_area(ui.tr("exed.story"), key=_key("story"), height=110)
    st.text_area(ui.tr("exed.hypotheses"), key=_key("hypotheses"), height=80)
    options = _dataset_options(list(_state().get(_key("datasets")) or []))
    chosen = st.multiselect(ui.tr("exed.datasets"), list(options), key=_key("datasets"), format_func=options.get,
                            select_all=False, placeholder=ui.tr("exed.datasets_placeholder"))
    _tables_help(chosen)
    for index in range(_state().get(_key("count"), 1)):
        _question_form(index)
    st.button(ui.tr("exed.add_question"), key=_key("add"), on_click=_add_question, icon=":material/add:")
    left, right = st.columns(2)
    left.button(ui.tr("exed.save"), key=_key("save"), type="primary", on_click=_save, icon=":material/save:")
    if _state()[_key("pick")] != NEW:
        sure = right.checkbox(ui.tr("exed.delete_sure"), key=_key("delete_sure"))
        right.button(ui.tr("exed.delete"), key=_key("delete"), disabled=not sure, on_click=_delete,
                     icon=":material/delete_forever:")
    message = _state().get(_key("message"))
    if message and message[0] == "ok":
        st.success(message[1])
    elif message:
        for line in message[1].splitlines():
            st.error(line)


def bundle_section(count: int) -> None:
    """The instructor's `count` themes downloaded as one file, and such a file imported."""
    st.subheader(ui.tr("exed.bundle"))
    st.caption(ui.tr("exed.bundle_lead"))
    st.download_button(ui.tr("exed.export", n=count), exercise_bundle.export_bundle() if count else b"",
                       exercise_bundle.bundle_name(), "application/zip", key=_key("export"), disabled=not count,
                       icon=":material/download:")
    upload = st.file_uploader(ui.tr("exed.import_file"), type=["zip", "yaml", "yml"], key=_key("bundle"))
    st.button(ui.tr("exed.import"), key=_key("import"), disabled=upload is None, icon=":material/upload:",
              on_click=_import)
    outcome = _state().pop(_key("imported"), None)
    if outcome and outcome[0] == "ok":
        st.success(outcome[1])
    elif outcome:
        for line in outcome[1]:
            st.error(line)


def _add_pasted() -> None:
    try:
        added = authoring.add_from_text(_state().get("inst_theme_yaml", ""))
    except exercises.ExerciseError as exc:  # nothing saved; the pasted text stays in the box
        _state()[_key("pasted")] = ("error", exc.text(ui.lang()))
    else:
        _state()[_key("pasted")] = ("ok", ui.tr("inst.theme_added", title=added.title_in(ui.lang())))


def _paste_section() -> None:
    outcome = _state().pop(_key("pasted"), None)
    with st.expander(ui.tr("exed.paste"), expanded=outcome is not None):
        st.write(ui.tr("inst.theme_lead"))
        st.code(exercises.example_theme_text(), language="yaml")
        with st.form("inst_theme"):
            st.text_area(ui.tr("inst.theme_yaml"), height=300, key="inst_theme_yaml")
            st.form_submit_button(ui.tr("inst.theme_add"), on_click=_add_pasted)
        if outcome and outcome[0] == "ok":
            st.success(outcome[1])
        elif outcome:
            st.error(outcome[1])


def themes_tab() -> None:
    """The whole tab: the themes there are, the form, the paste box, the bundle."""
    lang = ui.lang()
    loaded, errors = exercises.load_exercises()
    st.markdown("\n".join(f"- {literal(e.theme_in(lang))}：{literal(e.title_in(lang))}"
                          + (f"（{ui.tr('exed.own')}）" if e.added_by_instructor else "") for e in loaded))
    for error in errors:
        st.warning(error.text(lang))
    own = {e.id: e for e in loaded if e.added_by_instructor}
    editor(own)
    _paste_section()
    bundle_section(len(own))
