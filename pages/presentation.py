"""発表資料: the group's deck (storyline, slides, charts and maps, notes), presentation mode, exports."""
import copy

import pandas as pd
import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.access import deck_access
from lib.deck.deck_merge import DELETED, ORDER, TITLE
from lib.deck.evidence import kind_mark, source_text, spec_sources
from lib.ui import session_widgets as widgets
from lib.ui import slide_keys
from lib.ui.user_text import literal

ws = ui.workspace()
lang = ui.lang()
catalog = load_catalog()
member = ui.current_member()

access = deck_access(ws, member["group_id"] if member else None, ui.is_instructor())
if not access.groups:
    ui.require_group()
by_id = {g.group_id: g for g in access.groups}
if access.choose:
    group = by_id[st.sidebar.selectbox(ui.tr("pres.instructor_group"), list(by_id), key="pres_group",
                                       format_func=lambda gid: by_id[gid].name)]
else:
    group = access.groups[0]
editable = access.editable
group_id = group.group_id
STATE = f"pres:{group_id}"
MODE = "pres_mode"


def forget_widgets() -> None:
    """The builder's widgets (and messages) start again from the draft on the next run."""
    for key in [k for k in st.session_state if str(k).startswith(f"{STATE}:")]:
        del st.session_state[key]


def load_draft() -> None:
    """The stored deck (or a pre-filled draft) into this browser's editing state; `base` is what the member
    starts from, against which a save merges another member's changes slide by slide."""
    deck, version = deck_model.current_deck(ws, group_id, catalog, lang)
    forget_widgets()
    st.session_state[STATE] = {"deck": deck, "base": copy.deepcopy(deck), "version": version, "dirty": False}


if STATE not in st.session_state:
    load_draft()
draft = st.session_state[STATE]


def change(deck: dict) -> None:
    draft["deck"], draft["dirty"] = deck, True


def edit_field(index: int, name: str, widget_key: str) -> None:
    value = st.session_state[widget_key]
    if name == "bullets":
        value = [line.strip() for line in str(value).splitlines() if line.strip()]
    change(deck_model.update_slide(draft["deck"], index, **{name: value}))


def set_title() -> None:
    change({**draft["deck"], "title": st.session_state[f"{STATE}:title"]})


@ui.saving
def save(choices: dict[str, str] | None = None) -> None:
    shown = st.session_state.get(f"{STATE}:conflict")
    result = deck_model.save_deck(ws, group_id, draft["deck"], draft["version"], ui.actor(), base=draft.get("base"),
                                  choices=choices, choices_version=shown.theirs.version if shown and choices else None)
    if result.conflicts:
        st.session_state[f"{STATE}:conflict"] = result  # only the slides both changed; nothing written yet
        return
    merged_in = result.deck != deck_model.normalize_deck(draft["deck"])
    if merged_in:
        forget_widgets()  # the editors show the other members' changes too
    st.session_state.pop(f"{STATE}:conflict", None)
    draft.update(deck=result.deck, base=copy.deepcopy(result.deck), version=result.item.version, dirty=False)
    st.session_state[f"{STATE}:saved"] = (result.item.version, merged_in)


def save_choices() -> None:
    conflict = st.session_state[f"{STATE}:conflict"]
    save({c.key: st.session_state.get(f"{STATE}:choice:{c.key}", "mine") for c in conflict.conflicts})


def rebuild() -> None:
    st.session_state.pop(f"{STATE}:title", None)
    content = deck_model.curriculum.load_content(ws, group_id)
    change({**deck_model.prefill_deck(content, catalog, lang, group.name)})


saved_evidence = ws.evidence(group_id)
evidence = {item.item_id: item for item in saved_evidence}


def evidence_label(item_id: str) -> str:
    if not item_id:
        return ui.tr("pres.no_evidence")
    item = evidence.get(item_id)
    if item is None:
        return ui.tr("pres.evidence_deleted")
    return f"{kind_mark(item.kind)} {item.payload.get('title', '')}"


def draw_slide(slide: dict, key: str, large: bool = False) -> None:
    """One slide as the audience sees it."""
    st.caption(deck_model.section_label(slide["section"], lang))
    st.markdown(f"{'#' if large else '###'} {literal(slide['title'])}")
    item = evidence.get(slide["evidence"])
    bullets = "\n".join(f"- {literal(b)}" for b in slide["bullets"])
    if item is not None:
        left, right = st.columns([2, 1]) if bullets else (st.container(), None)
        with left:
            widgets.show_evidence(item.kind, item.payload, key, on_slide=True)
        if right is not None:
            right.markdown(bullets)
        st.caption(source_text(spec_sources(catalog, item.kind, item.payload.get("spec") or {}, lang), lang,
                               short=True))
    elif bullets:
        st.markdown(bullets)
    if slide["table"]:
        st.table(pd.DataFrame(slide["table"]["rows"], columns=slide["table"]["columns"]))


slides = draft["deck"]["slides"]
mode = st.session_state.get(MODE, "edit")

# --- presentation mode: one slide at a time, full width, no sidebar ---------------------
if mode == "present":
    # The builder's widgets are not drawn here; Streamlit would drop their state, and the builder would come
    # back blank. Re-assigning keeps it as plain session state until they are drawn again.
    for widget_key in [k for k in st.session_state if str(k).startswith(f"{STATE}:")
                       and str(k).rsplit(":", 1)[-1] in deck_model.EDITED_FIELDS]:
        st.session_state[widget_key] = st.session_state[widget_key]
    st.markdown("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], header "
                "{display: none !important;} .block-container {max-width: 100% !important; padding-top: 1rem;}"
                " [data-testid='stMarkdownContainer'] li, [data-testid='stMarkdownContainer'] p "
                "{font-size: 1.45rem;}</style>", unsafe_allow_html=True)
    slides = deck_model.paged_slides(slides, lang)
    total = len(slides) + 1
    previous, position, following, full_screen, leave = st.columns([1, 2.2, 1, 1, 1.2], vertical_alignment="center")
    with full_screen:
        move = slide_keys.slide_move("pres_keys")
    index = slide_keys.moved_index(st.session_state.get("pres_index", 0), move, total)
    st.session_state["pres_index"] = index
    if previous.button(ui.tr("pres.prev"), icon=":material/arrow_back:", disabled=index == 0, key="pres_prev", width="stretch"):
        st.session_state["pres_index"] = index - 1
        st.rerun()
    if following.button(ui.tr("pres.next"), icon=":material/arrow_forward:", disabled=index >= total - 1, key="pres_next", width="stretch"):
        st.session_state["pres_index"] = index + 1
        st.rerun()
    if leave.button(ui.tr("pres.exit"), icon=":material/close:", key="pres_exit", width="stretch"):
        st.session_state[MODE] = "edit"
        st.rerun()
    position.markdown(f"<div style='text-align:center; font-size:1.2rem'>{ui.tr('pres.slide_of', n=index + 1, total=total)}</div>",
                      unsafe_allow_html=True, help=ui.tr("pres.keys_hint"))
    with st.container(border=True):
        if index == 0:
            info = deck_model.deck_context(ws, group)
            st.caption(literal(info.course_name))
            st.markdown(f"# {literal(draft['deck']['title'])}")
            st.markdown(f"## {literal(info.municipality + '　' + group.name)}")
            st.markdown(f"{ui.tr('deck.members')}：" + literal("、".join(info.members)))
        else:
            draw_slide(slides[index - 1], f"present:{slides[index - 1]['id']}", large=True)
    st.stop()

# --- the builder ------------------------------------------------------------------
st.title(ui.tr("page.presentation"))
st.caption(ui.tr("pres.lead"))
if not editable:
    st.info(ui.tr("pres.pick_group_first"), icon=":material/group:")
    widgets.safe_page_link(st, "pages/join.py", ui.tr("page.join"), "👥")
st.markdown(f"**{literal(group.name)}**")
conflict = st.session_state.get(f"{STATE}:conflict")
if conflict is not None:
    # Another member saved first and changed some of the same slides: only those are shown, side by side;
    # the member chooses per slide, and everything else (theirs and mine) is saved with the choices.
    theirs_deck = deck_model.normalize_deck(conflict.theirs.payload)
    titles = {s["id"]: s["title"] for s in theirs_deck["slides"] + draft["deck"]["slides"]}

    def side_text(found, key: str) -> str:
        if key == TITLE:
            return literal(found["title"])
        if key == ORDER:
            return "\n".join(f"{n}. {literal(titles.get(i, ''))}" for n, i in enumerate(found["ids"], start=2))
        return literal(deck_model.slide_line(found, lang)) if found is not None else ui.tr("pres.conflict_deleted")

    st.error(ui.tr("pres.conflict", who=literal(conflict.theirs.updated_by), version=conflict.theirs.version,
                   n=len(conflict.conflicts)))
    for found in conflict.conflicts:
        with st.container(border=True):
            heading = (ui.tr("pres.deck_title") if found.key == TITLE else ui.tr("pres.conflict_order")
                       if found.key == ORDER else literal(titles.get(found.key, "")))
            if DELETED in found.fields:
                heading += ui.tr("pres.conflict_deleted_note")
            st.markdown(f"**{heading}**")
            mine_column, theirs_column = st.columns(2)
            mine_column.caption(ui.tr("pres.conflict_mine"))
            mine_column.markdown(side_text(found.mine, found.key))
            theirs_column.caption(ui.tr("pres.conflict_theirs", who=literal(conflict.theirs.updated_by),
                                        version=conflict.theirs.version))
            theirs_column.markdown(side_text(found.theirs, found.key))
            st.radio(ui.tr("pres.conflict_keep"), ["mine", "theirs"], key=f"{STATE}:choice:{found.key}",
                     horizontal=True, format_func=lambda side: ui.tr(f"pres.conflict_choice.{side}"))
    choose = st.columns(2)
    choose[0].button(ui.tr("pres.save_choices"), on_click=save_choices, key=f"{STATE}:save_choices", type="primary")
    choose[1].button(ui.tr("pres.reload"), on_click=load_draft, key=f"{STATE}:reload_conflict",
                     help=ui.tr("pres.reload_drops"))
saved = st.session_state.pop(f"{STATE}:saved", None)
if saved is not None:
    st.success(ui.tr("pres.saved_merged" if saved[1] else "pres.saved", version=saved[0]))
if draft["version"] is None:
    st.info(ui.tr("pres.draft_info"), icon=":material/edit_note:")
elif draft["dirty"]:
    st.warning(ui.tr("pres.unsaved"), icon=":material/edit:")

bar = st.columns([1, 1, 1.6, 1.4])
if bar[0].button(ui.tr("pres.save"), type="primary", icon=":material/save:", on_click=save, disabled=not editable,
                 key=f"{STATE}:save"):
    pass
if bar[1].button(ui.tr("pres.present"), icon=":material/slideshow:", key="pres_start"):
    st.session_state[MODE], st.session_state["pres_index"] = "present", 0
    st.rerun()
bar[2].button(ui.tr("pres.rebuild"), icon=":material/autorenew:", help=ui.tr("pres.rebuild_help"), on_click=rebuild,
              disabled=not editable, key=f"{STATE}:rebuild")
bar[3].button(ui.tr("pres.reload"), icon=":material/refresh:", on_click=load_draft, key=f"{STATE}:reload")

edit_tab, preview_tab, download_tab = st.tabs([ui.tr("pres.edit"), ui.tr("pres.preview"), ui.tr("pres.download")])

with edit_tab:
    st.session_state.setdefault(f"{STATE}:title", draft["deck"]["title"])
    st.text_input(ui.tr("pres.deck_title"), key=f"{STATE}:title", on_change=set_title, disabled=not editable)
    if not evidence:
        st.caption(ui.tr("pres.no_saved_evidence"))
    options = [""] + list(evidence)
    for index, slide in enumerate(slides):
        key = f"{STATE}:{slide['id']}"
        label = (f"{index + 2}. 【{deck_model.section_label(slide['section'], lang)}】 {literal(slide['title'])}"
                 + ("　📊" if slide["evidence"] else ""))
        with st.expander(label):
            for name in deck_model.EDITED_FIELDS:
                value = "\n".join(slide[name]) if name == "bullets" else slide[name]
                st.session_state.setdefault(f"{key}:{name}", value)
            top = st.columns([2, 1])
            top[0].text_input(ui.tr("pres.slide_title"), key=f"{key}:title", on_change=edit_field,
                              args=(index, "title", f"{key}:title"), disabled=not editable)
            top[1].selectbox(ui.tr("pres.section"), deck_model.SECTIONS, key=f"{key}:section",
                             format_func=lambda s: deck_model.section_label(s, lang), on_change=edit_field,
                             args=(index, "section", f"{key}:section"), disabled=not editable)
            st.text_area(ui.tr("pres.bullets"), key=f"{key}:bullets", on_change=edit_field,
                         args=(index, "bullets", f"{key}:bullets"), disabled=not editable)
            if len(slide["bullets"]) > deck_model.MAX_BULLETS:
                st.warning(ui.tr("pres.too_many_bullets", n=len(slide["bullets"]), limit=deck_model.MAX_BULLETS))
            if st.session_state[f"{key}:evidence"] not in options:
                options = options + [st.session_state[f"{key}:evidence"]]
            st.selectbox(ui.tr("pres.evidence"), options, key=f"{key}:evidence", format_func=evidence_label,
                         on_change=edit_field, args=(index, "evidence", f"{key}:evidence"), disabled=not editable)
            if slide["table"]:
                st.caption(ui.tr("pres.has_table", rows=len(slide["table"]["rows"])))
            st.text_area(ui.tr("pres.notes"), key=f"{key}:notes", on_change=edit_field,
                         args=(index, "notes", f"{key}:notes"), disabled=not editable, height=90)
            moves = st.columns(3)
            moves[0].button(ui.tr("pres.up"), icon=":material/arrow_upward:", key=f"{key}:up", disabled=not editable or index == 0,
                            on_click=lambda i=index: change(deck_model.move_slide(draft["deck"], i, -1)))
            moves[1].button(ui.tr("pres.down"), icon=":material/arrow_downward:", key=f"{key}:down",
                            disabled=not editable or index == len(slides) - 1,
                            on_click=lambda i=index: change(deck_model.move_slide(draft["deck"], i, 1)))
            moves[2].button(ui.tr("pres.delete"), icon=":material/delete:", key=f"{key}:delete", disabled=not editable,
                            on_click=lambda i=index: change(deck_model.remove_slide(draft["deck"], i)))
    add = st.columns([2, 1])
    add[0].selectbox(ui.tr("pres.add_section"), deck_model.SECTIONS, index=3,
                     format_func=lambda s: deck_model.section_label(s, lang), key=f"{STATE}:new")

    add[1].button(ui.tr("pres.add"), icon=":material/add:", disabled=not editable, key=f"{STATE}:add",
                  on_click=lambda: change(deck_model.add_new_slide(draft["deck"], st.session_state[f"{STATE}:new"],
                                                                   saved_evidence, lang)))

with preview_tab:
    if slides:
        number = st.select_slider(ui.tr("pres.preview_choose"),
                                  options=list(range(len(slides))), key=f"{STATE}:preview",
                                  format_func=lambda i: f"{i + 2}. {slides[i]['title'][:18]}")
        with st.container(border=True):
            draw_slide(slides[number], f"preview:{slides[number]['id']}")
        if slides[number]["notes"]:
            st.caption(f"{ui.tr('deck.notes_heading')}：{literal(slides[number]['notes'])}")

with download_tab:
    st.caption(ui.tr("pres.download_help"))
    columns = st.columns(3)
    for column, fmt in zip(columns, ("pptx", "html", "pdf")):
        made = st.session_state.get(f"{STATE}:file:{fmt}")
        if column.button(ui.tr("pres.make_files") + f"（{fmt.upper()}）", key=f"{STATE}:make:{fmt}",
                         width="stretch"):
            with column.status(ui.tr("pres.making"), expanded=True) as status:
                st.write(ui.tr("wait.deck_evidence"))
                cursor = ui.store().published()
                try:
                    prepared = deck_model.prepare_deck(ws, cursor, catalog, group, lang, deck=draft["deck"])
                    st.write(ui.tr("wait.deck_file", fmt=fmt.upper()))
                    made = deck_export.export_deck(prepared, fmt)
                finally:
                    cursor.close()
                status.update(label=ui.tr("wait.deck_done", fmt=fmt.upper()), state="complete", expanded=False)
            st.session_state[f"{STATE}:file:{fmt}"] = made
        if made:
            column.download_button(ui.tr(f"pres.download_{fmt}"), made, deck_export.file_name(group.name, fmt),
                                   deck_export.FORMATS[fmt], key=f"{STATE}:download:{fmt}", icon=":material/download:",
                                   width="stretch")
