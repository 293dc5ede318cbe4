"""Drawing a saved survey chart again (the export's and a cold cache's cost), and explaining a wrong exercise
answer (its typical mistakes run once per question and published build, then cached)."""
from __future__ import annotations

import os

from bench.harness import Figure, benchmark, median_seconds


def _load() -> str:
    return "load average " + " / ".join(f"{v:.2f}" for v in os.getloadavg())


@benchmark("survey_evidence")
def draw_saved_survey_charts(runs: int) -> list[Figure]:
    from lib.data.catalog import load_catalog
    from lib.data.store import get_store
    from lib.deck.analyses import survey_likert, survey_words
    from lib.deck.analysis_evidence import run_analysis

    cursor, catalog = get_store().published(), load_catalog()
    answers = len(survey_words.answers(cursor, catalog, "survey", "comment", []))
    figures = []
    for name, spec, size in (
            ("survey_likert_draw_s", survey_likert.spec_for("survey", ["sat_公共交通", "sat_医療", "sat_買い物"], []),
             "3 items"),
            ("survey_words_draw_s", survey_words.spec_for("survey", "comment", [], 20), f"{answers} answers")):
        run_analysis(cursor, catalog, spec, "ja")  # warm: database, tokenizer dictionary
        seconds = median_seconds(lambda spec=spec: run_analysis(cursor, catalog, spec, "ja"), runs)
        figures.append(Figure(name, size, "s", seconds, runs, note=f"demo survey, warm; {_load()}"))
    return figures


@benchmark("exercise_mistakes")
def explain_wrong_answers(runs: int) -> list[Figure]:
    from lib.data.store import get_store
    from lib.workspace import exercises

    database = get_store().published_path
    questions = [q for theme in exercises.load_exercises()[0] for q in theme.questions]
    exercises.expected_answer(questions[0], database)  # warm: the SQL worker

    def every_question_cold() -> None:
        exercises._mistake_results.cache_clear()
        for question in questions:
            exercises._mistake_results(question.sql, database)

    seconds = median_seconds(every_question_cold, runs)
    return [Figure("exercise_mistakes_all_questions_s", f"{len(questions)} questions", "s", seconds, runs,
                   note=f"each question's typical mistakes parsed and run once (cold cache); {_load()}")]
