"""Instructors write their own exercise themes: from a form (a draft) or pasted YAML, edited and deleted.

A draft is what the instructor page's form holds (Japanese text, the datasets, the questions with a query
or a fixed value as their answer). It is saved as the same YAML the loader reads, after parse_exercise
has accepted it and every answer has been computed on the published data (a query that fails or gives no
number saves nothing), so a saved theme always loads. Only the instructor's own themes (the data folder's
exercises/) can be edited or deleted; the bundled ones (exercises/) cannot.
"""
from __future__ import annotations

import math
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from lib import settings
from lib.analysis.user_sql import UserQueryError, check_user_sql
from lib.workspace import exercise_files
from lib.workspace.exercises import (
    Exercise,
    ExerciseError,
    QuestionName,
    expected_answer,
    known_datasets,
    load_exercises,
    parse_exercise,
    parse_question,
)
from lib.yaml_text import load_yaml

ANSWER_KINDS = ("sql", "value")  # a query on the published data, or the right answer written down
INDICATOR = "indicator"  # a question on a named indicator (pasted YAML): kept as written, not edited here


@dataclass
class QuestionDraft:
    text: str = ""
    kind: str = "sql"  # one of ANSWER_KINDS, or INDICATOR
    sql: str = ""
    value: str = ""  # as typed
    tolerance: float = 0.0
    unit: str = ""
    hint: str = ""
    raw: dict = field(default_factory=dict)  # the question as loaded: its id, English text, indicator


@dataclass
class ThemeDraft:
    exercise_id: str | None = None  # None until saved
    title: str = ""
    theme: str = ""
    story: str = ""
    hypotheses: str = ""  # one a line
    datasets: list[str] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=lambda: [QuestionDraft()])
    raw: dict = field(default_factory=dict)  # the theme as loaded (English texts are kept while unchanged)


# ---------------------------------------------------------------------------- the instructor's themes
def own_exercises() -> list[Exercise]:
    """The themes the instructor added (the data folder's exercises/), valid ones only."""
    return [e for e in load_exercises()[0] if e.added_by_instructor]


def _japanese(value) -> str:
    if isinstance(value, dict):
        return str(value.get("ja") or "")
    return "" if value is None else str(value)


def draft_of(exercise: Exercise) -> ThemeDraft:
    """The form's draft of one of the instructor's themes, from its file as written."""
    raw = load_yaml(exercise.path.read_text(encoding="utf-8"))
    questions = []
    for question in raw.get("questions") or []:
        kind = INDICATOR if question.get("indicator") else "value" if question.get("value") is not None else "sql"
        questions.append(QuestionDraft(
            text=_japanese(question.get("text")), kind=kind, sql=str(question.get("sql") or "").strip(),
            value=_number_text(question.get("value")),
            tolerance=float(question.get("tolerance") or 0), unit=_japanese(question.get("unit")),
            hint=_japanese(question.get("hint")), raw=question))
    return ThemeDraft(exercise.id, _japanese(raw.get("title")), _japanese(raw.get("theme")),
                      _japanese(raw.get("story")), "\n".join(_japanese(h) for h in raw.get("hypotheses") or []),
                      [str(d) for d in raw.get("datasets") or []], questions or [QuestionDraft()], raw)


def _number_text(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------- draft → YAML
def typed_value(text: str) -> float | None:
    """A fixed answer as typed (全角 digits, thousands separators allowed); None unless it is one number."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).replace(",", "").strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _kept(before, typed: str):
    """The typed Japanese text; the {ja, en} written before while its Japanese is unchanged (English kept)."""
    return before if isinstance(before, dict) and _japanese(before) == typed else typed


def _question_dict(draft: QuestionDraft, question_id: str) -> dict:
    out = {"id": question_id, "text": _kept(draft.raw.get("text"), draft.text.strip())}
    if draft.kind == INDICATOR:
        out.update({k: draft.raw[k] for k in ("indicator", "year", "district") if k in draft.raw})
    elif draft.kind == "value":
        number = typed_value(draft.value)
        out["value"] = int(number) if number is not None and number.is_integer() else number
    else:
        out["sql"] = draft.sql.strip()
    out["tolerance"] = float(draft.tolerance) if draft.tolerance % 1 else int(draft.tolerance)
    for name in ("unit", "hint"):
        typed = getattr(draft, name).strip()
        if typed:
            out[name] = _kept(draft.raw.get(name), typed)
    return out


def _question_ids(draft: ThemeDraft) -> list[str]:
    """Each question's id: as loaded, else q1, q2 … (one not taken)."""
    taken = {str(q.raw.get("id")) for q in draft.questions if q.raw.get("id")}
    ids, n = [], 0
    for question in draft.questions:
        if question.raw.get("id"):
            ids.append(str(question.raw["id"]))
            continue
        n += 1
        while f"q{n}" in taken:
            n += 1
        taken.add(f"q{n}")
        ids.append(f"q{n}")
    return ids


def new_exercise_id() -> str:
    """A theme id no other server will have chosen (themes travel between servers and years in bundles)."""
    return f"own_{date.today():%Y%m%d}_{secrets.token_hex(3)}"


def theme_dict(draft: ThemeDraft, exercise_id: str) -> dict:
    hypotheses = [line.strip() for line in draft.hypotheses.splitlines() if line.strip()]
    before = draft.raw.get("hypotheses") or []
    return {
        "id": exercise_id,
        "title": _kept(draft.raw.get("title"), draft.title.strip()),
        "theme": _kept(draft.raw.get("theme"), draft.theme.strip()),
        "story": _kept(draft.raw.get("story"), draft.story.strip()),
        "hypotheses": [_kept(before[i] if i < len(before) else None, h) for i, h in enumerate(hypotheses)],
        "datasets": list(draft.datasets),
        "questions": [_question_dict(q, qid) for q, qid in zip(draft.questions, _question_ids(draft), strict=True)],
    }


def theme_yaml(draft: ThemeDraft, exercise_id: str) -> str:
    return yaml.safe_dump(theme_dict(draft, exercise_id), allow_unicode=True, sort_keys=False, width=100)


# ---------------------------------------------------------------------------- checks
class ThemeRefused(ExerciseError):
    """Nothing was saved or imported: `problems` (ExerciseErrors) says each thing to fix, one a line."""

    def __init__(self, problems: list[ExerciseError]):
        self.problems = list(problems)
        super().__init__("refused")

    def text(self, lang: str = "ja") -> str:
        return "\n".join(problem.text(lang) for problem in self.problems)


def _question_problems(question: QuestionDraft, number: int) -> list[ExerciseError]:
    name = QuestionName(number=number)
    problems = []
    if not question.text.strip():
        problems.append(ExerciseError("form_no_question_text", question=name))
    if question.kind == "sql" and not question.sql.strip():
        problems.append(ExerciseError("form_no_sql", question=name))
    elif question.kind == "sql":
        try:
            check_user_sql(question.sql)
        except UserQueryError as exc:
            problems.append(ExerciseError("sql_failed", question=name, detail=exc))
    if question.kind == "value" and typed_value(question.value) is None:
        problems.append(ExerciseError("form_bad_value", question=name))
    if question.tolerance < 0:
        problems.append(ExerciseError("form_bad_tolerance", question=name))
    return problems


def draft_problems(draft: ThemeDraft) -> list[ExerciseError]:
    """What the form still lacks, in its own words (before the YAML checks)."""
    problems = [ExerciseError(f"form_no_{field_name}") for field_name in ("title", "theme", "story", "hypotheses")
                if not getattr(draft, field_name).strip()]
    if not draft.datasets:
        problems.append(ExerciseError("form_no_datasets"))
    if not draft.questions:
        problems.append(ExerciseError("form_no_questions"))
    for number, question in enumerate(draft.questions, start=1):
        problems += _question_problems(question, number)
    return problems


def answer(question, number: int, database: Path) -> float:
    """A question's right answer on the published data; ExerciseError (naming the question) when it has none."""
    try:
        return expected_answer(question, database, QuestionName(number=number))
    except UserQueryError as exc:
        raise ExerciseError("sql_failed", question=QuestionName(number=number), detail=exc) from exc


def preview(question: QuestionDraft, number: int, database: Path) -> float:
    """The question's right answer on the published data (its query run as trainee SQL runs), or why not."""
    problems = _question_problems(question, number)
    if problems:
        raise ThemeRefused(problems)
    parsed = parse_question(_question_dict(question, f"q{number}"), QuestionName(number=number))
    return answer(parsed, number, database)


# ---------------------------------------------------------------------------- save, delete
def is_bundled(exercise_id: str) -> bool:
    return (settings.EXERCISES_DIR / f"{exercise_id}.yaml").exists()


def save(draft: ThemeDraft, database: Path) -> tuple[Exercise, list[float]]:
    """Save the draft as the instructor's theme (a new one, or the one it was loaded from) once it loads and
    every answer computes on the published data; returns the theme and its answers. Nothing is written
    otherwise (ThemeRefused: one line per problem)."""
    problems = draft_problems(draft)
    if problems:
        raise ThemeRefused(problems)
    exercise_id = draft.exercise_id or new_exercise_id()
    if is_bundled(exercise_id):
        raise ExerciseError("bundled_id", id=exercise_id)
    text = theme_yaml(draft, exercise_id)
    exercise = parse_exercise(text, f"{exercise_id}.yaml", known_datasets())
    answers, problems = [], []
    for number, question in enumerate(exercise.questions, start=1):
        try:
            answers.append(answer(question, number, database))
        except ExerciseError as exc:
            problems.append(exc)
    if problems:
        raise ThemeRefused(problems)
    target = exercise_files.write(settings.data_dir(), f"{exercise_id}.yaml", text)
    return parse_exercise(text, target.name, None, target, True), answers


def add_from_text(text: str) -> Exercise:
    """Validate pasted YAML and save it as one of the instructor's themes (replacing one with its id)."""
    exercise = parse_exercise(text, "YAML", known_datasets())
    if is_bundled(exercise.id):
        raise ExerciseError("bundled_id", id=exercise.id)
    target = exercise_files.write(settings.data_dir(), f"{exercise.id}.yaml", text)
    return parse_exercise(text, target.name, None, target, True)


def delete(exercise: Exercise) -> None:
    """Delete one of the instructor's themes (a bundled one is refused)."""
    if not exercise.added_by_instructor:
        raise ExerciseError("bundled_not_deleted", title=exercise.title_in("ja"))
    exercise_files.remove(settings.data_dir(), exercise.path.name)
