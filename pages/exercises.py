"""Exercises: choose a theme, read its story, answer the auto-checked questions."""
import streamlit as st

from lib import ui
from lib.analysis.user_sql import UserQueryError
from lib.ui import session_widgets as widgets
from lib.ui.user_text import literal
from lib.workspace import exercises

st.title(ui.tr("page.exercises"))
st.write(ui.tr("ex.lead"))
themes, errors, on_demo = exercises.exercises_for_city()
if errors and ui.is_instructor():  # which file is wrong, and how: for the one who can fix it
    for error in errors:
        st.warning(error.text(ui.lang()))
elif errors:
    st.warning(ui.tr("ex.some_broken", n=len(errors)))
if on_demo:
    st.caption(ui.tr("ex.demo_hidden", n=on_demo))
if not themes:
    st.info(ui.tr("ex.none"))
    st.stop()
lang = ui.lang()
chosen = st.selectbox(
    ui.tr("ex.choose"),
    [e.id for e in themes],
    key="ex_theme",
    format_func=lambda i: next(f"{e.theme_in(lang)}：{e.title_in(lang)}" for e in themes if e.id == i),
)
exercise = next(e for e in themes if e.id == chosen)

st.header(exercise.title_in(lang))
st.subheader(ui.tr("ex.story"))
st.write(exercise.story_in(lang))
left, right = st.columns(2)
with left:
    st.subheader(ui.tr("ex.hypotheses"))
    st.markdown("\n".join(f"- {h}" for h in exercise.hypotheses_in(lang)))
with right:
    st.subheader(ui.tr("ex.datasets"))
    st.markdown("\n".join(f"- {literal(widgets.dataset_label(d))}" for d in exercise.datasets))
    widgets.safe_page_link(st, "pages/catalog.py", ui.tr("page.catalog"), ":material/folder_open:")

st.subheader(ui.tr("ex.questions"))
member = ui.current_member()
if member is None:
    st.caption(ui.tr("ex.not_saved"))
for number, question in enumerate(exercise.questions, start=1):
    with st.container(border=True):
        st.markdown(f"**{ui.tr('ex.question', n=number)}** {question.text_in(lang)}")
        if question.indicator:
            st.caption(ui.tr("indicator.shown", definition=question.definition_in(lang)))
        key = f"ex:{exercise.id}:{question.id}"
        answer = st.text_input(ui.tr("ex.answer", unit=question.unit_in(lang) or "-"), key=key)
        if question.hint:
            with st.expander(ui.tr("ex.hint")):
                st.write(question.hint_in(lang))
        if st.button(ui.tr("ex.check"), key=key + ":check"):
            try:
                result = exercises.check_answer(question, answer, ui.store().published_path)
            except (UserQueryError, exercises.ExerciseError) as exc:
                st.error(ui.tr("ex.broken", detail=exc.text(ui.lang())))
                continue
            if result.given is None:
                st.warning(ui.tr("ex.not_a_number"))
                continue
            if result.correct:
                st.success(ui.tr("ex.correct", expected=f"{result.expected:,.6g}"))
            elif result.mistakes:  # the likely cause, from the answer query's own parts
                st.error(ui.tr("ex.wrong_because", reasons=" ".join(m.explain(lang) for m in result.mistakes[:2])))
            else:
                st.error(ui.tr("ex.wrong"))
            if member is not None:
                ui.workspace().create_item(member["group_id"], "exercise_answer", {
                    "exercise": exercise.id, "question": question.id, "answer": answer,
                    "correct": result.correct}, ui.actor())
