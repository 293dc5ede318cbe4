"""Exercise themes (exercises/*.yaml): a problem story, hypotheses, datasets, auto-checked questions.

Each question carries the SQL whose result is the right answer (or, written by an instructor, the right
answer itself as a fixed `value`); a group's answer is compared with it, within the question's tolerance.
The SQL runs as trainee SQL does (lib.analysis.user_sql on the published database), so a question can only
ask what the published data can answer. Errors in a file name the file and the field, in Japanese.
Instructors add a theme by dropping a file into exercises/, or on the instructor page (a form or pasted
YAML: lib.workspace.exercise_authoring), saved in the data folder's exercises/.
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from lib import settings
from lib.analysis.indicators import INDICATORS, indicator_sql, population_bands
from lib.analysis.user_sql import UserQueryError, check_user_sql, run_user_sql
from lib.data.catalog import load_catalog
from lib.data.query import quote_identifier as q
from lib.errors import WorkbenchError
from lib.i18n import t
from lib.workspace import exercise_files, exercise_mistakes
from lib.workspace.exercise_mistakes import Mistake
from lib.yaml_text import load_yaml

log = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class ExerciseError(WorkbenchError):
    """A theme, question or answer that cannot be used, made from a message key (ex.error.*) and its values;
    the message names the file and the field. A value that is itself a message (a UserQueryError, a
    QuestionName, another ExerciseError) is said in the same language."""
    key_prefix = "ex.error."

    def text(self, lang: str = "ja") -> str:
        values = {k: v.text(lang) if callable(getattr(v, "text", None)) else v for k, v in self.values.items()}
        return t(self.key_prefix + self.key, lang, **values)


@dataclass(frozen=True)
class QuestionName:
    """A question as an error names it: by its number on the instructor's form, else by its id."""
    question_id: str = ""
    number: int | None = None

    def text(self, lang: str = "ja") -> str:
        if self.number is not None:
            return t("ex.error.question_number", lang, n=self.number)
        return t("ex.error.question_id", lang, id=self.question_id)


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("ja") or "")
    return str(value or "")


@dataclass(frozen=True)
class Question:
    id: str
    text: dict
    sql: str
    tolerance: float
    unit: dict | None = None
    hint: dict | None = None
    indicator: str | None = None  # a named indicator (lib.analysis.indicators) the answer is
    value: float | None = None  # a fixed right answer, instead of a query (then `sql` is "")

    def definition_in(self, lang: str = "ja") -> str:
        return INDICATORS[self.indicator].definition(lang) if self.indicator else ""

    def text_in(self, lang: str = "ja") -> str:
        return _text(self.text, lang)

    def unit_in(self, lang: str = "ja") -> str:
        return _text(self.unit, lang)

    def hint_in(self, lang: str = "ja") -> str:
        return _text(self.hint, lang)


@dataclass(frozen=True)
class Exercise:
    id: str
    title: dict
    theme: dict
    story: dict
    hypotheses: tuple[dict, ...]
    datasets: tuple[str, ...]
    questions: tuple[Question, ...]
    path: Path
    added_by_instructor: bool = False

    def title_in(self, lang: str = "ja") -> str:
        return _text(self.title, lang)

    def theme_in(self, lang: str = "ja") -> str:
        return _text(self.theme, lang)

    def story_in(self, lang: str = "ja") -> str:
        return _text(self.story, lang)

    def hypotheses_in(self, lang: str = "ja") -> list[str]:
        return [_text(h, lang) for h in self.hypotheses]


def _bilingual(raw, where: str) -> dict:
    """A {ja, en} text (or a plain string, used for both); ja must not be empty."""
    if isinstance(raw, str) and raw.strip():
        return {"ja": raw.strip(), "en": raw.strip()}
    if isinstance(raw, dict) and str(raw.get("ja") or "").strip():
        return {"ja": str(raw["ja"]).strip(), "en": str(raw.get("en") or raw["ja"]).strip()}
    raise ExerciseError("no_text", where=where)


def _indicator_sql(raw: dict, where: str) -> str:
    """The query of a question that asks for a named indicator: from the indicator's one definition."""
    indicator = INDICATORS.get(str(raw["indicator"]))
    if indicator is None:
        raise ExerciseError("bad_indicator", where=where, names=", ".join(INDICATORS))
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ExerciseError("bad_year", where=where)
    catalog = load_catalog()
    bands = population_bands(catalog)
    if not bands:
        raise ExerciseError("no_bands", where=where)
    district = raw.get("district")
    return indicator_sql(indicator, catalog, bands, year,
                         district=str(district) if district is not None else None)


def parse_question(raw, where: str) -> Question:
    """One question of a theme, validated; `where` starts every error message."""
    if not isinstance(raw, dict):
        raise ExerciseError("not_a_question", where=where)
    qid = str(raw.get("id") or "").strip()
    if not qid:
        raise ExerciseError("no_question_id", where=where)
    value = _fixed_value(raw, where)
    sql = _indicator_sql(raw, where) if raw.get("indicator") else str(raw.get("sql") or "").strip()
    if value is not None and sql:
        raise ExerciseError("sql_and_value", where=where)
    if value is None and not sql:
        raise ExerciseError("no_sql", where=where)
    try:
        if sql:
            check_user_sql(sql)
    except UserQueryError as exc:
        raise ExerciseError("bad_sql", where=where, detail=exc) from exc
    tolerance = raw.get("tolerance")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise ExerciseError("bad_tolerance", where=where)
    return Question(
        id=qid, text=_bilingual(raw.get("text"), f"{where}.text"), sql=sql, tolerance=float(tolerance),
        unit=_bilingual(raw["unit"], f"{where}.unit") if raw.get("unit") else None,
        hint=_bilingual(raw["hint"], f"{where}.hint") if raw.get("hint") else None,
        indicator=str(raw["indicator"]) if raw.get("indicator") else None, value=value,
    )


def _fixed_value(raw: dict, where: str) -> float | None:
    """A question's `value` (its right answer written down), None when it has none."""
    value = raw.get("value")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ExerciseError("bad_value", where=where)
    return float(value)


def parse_exercise(text: str, name: str, known_datasets: set[str] | None = None,
                   path: Path | None = None, added_by_instructor: bool = False) -> Exercise:
    """Validate one theme's YAML text; `name` (the file name) starts every error message."""
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            raise ExerciseError("not_yaml", name=name) from exc
        raise ExerciseError("not_yaml_at", name=name, line=mark.line + 1) from exc
    if not isinstance(raw, dict):
        raise ExerciseError("not_a_theme", name=name)
    exercise_id = str(raw.get("id") or "").strip()
    if not ID_PATTERN.match(exercise_id):
        raise ExerciseError("bad_id", name=name)
    hypotheses = raw.get("hypotheses")
    if not isinstance(hypotheses, list) or not hypotheses:
        raise ExerciseError("no_hypotheses", name=name)
    datasets = raw.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        raise ExerciseError("no_datasets", name=name)
    datasets = [str(d) for d in datasets]
    if known_datasets is not None:
        unknown = [d for d in datasets if d not in known_datasets]
        if unknown:
            raise ExerciseError("unknown_datasets", name=name, names="、".join(unknown))
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ExerciseError("no_questions", name=name)
    parsed = tuple(parse_question(q, f"{name}: questions[{i + 1}]") for i, q in enumerate(questions))
    ids = [q.id for q in parsed]
    if len(set(ids)) != len(ids):
        raise ExerciseError("duplicate_questions", name=name)
    return Exercise(
        id=exercise_id, title=_bilingual(raw.get("title"), f"{name}: title"),
        theme=_bilingual(raw.get("theme"), f"{name}: theme"),
        story=_bilingual(raw.get("story"), f"{name}: story"),
        hypotheses=tuple(_bilingual(h, f"{name}: hypotheses[{i + 1}]") for i, h in enumerate(hypotheses)),
        datasets=tuple(datasets), questions=parsed, path=path or Path(name),
        added_by_instructor=added_by_instructor,
    )


def instructor_exercises_dir() -> Path:
    return exercise_files.folder(settings.data_dir())


def known_datasets() -> set[str]:
    return set(load_catalog())


def load_exercises() -> tuple[list[Exercise], list[ExerciseError]]:
    """Every valid theme (built-in first, then instructor-added) and the errors of the others."""
    themes, errors, _hidden = _load(set())
    return themes, errors


def exercises_for_city() -> tuple[list[Exercise], list[ExerciseError], int]:
    """load_exercises for the city the workbench is on, and how many themes were left out: those on the made-up
    demo city's data once it is turned to a real city (their stories and answers are みどり野市's; their
    questions may not even fit the real city's tables, which is no error anyone needs to fix)."""
    return _load({name for name, ds in load_catalog().items() if ds.demo_on_real_city})


def _datasets_named(text: str) -> set[str]:
    try:
        raw = load_yaml(text)
    except yaml.YAMLError:
        return set()
    names = raw.get("datasets") if isinstance(raw, dict) else None
    return {str(n) for n in names} if isinstance(names, list) else set()


def _load(left_out: set[str]) -> tuple[list[Exercise], list[ExerciseError], int]:
    known = known_datasets()
    themes: dict[str, Exercise] = {}
    errors: list[ExerciseError] = []
    hidden = 0
    sources = [(p, False) for p in sorted(settings.EXERCISES_DIR.glob("*.yaml"))]
    sources += [(p, True) for p in sorted(instructor_exercises_dir().glob("*.yaml"))]
    for path, by_instructor in sources:
        try:
            text = path.read_text(encoding="utf-8")
            if left_out and _datasets_named(text) & left_out:
                hidden += 1
                continue
            exercise = parse_exercise(text, path.name, known, path, by_instructor)
        except ExerciseError as exc:
            errors.append(exc)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("exercise theme %s not read: %s", path, exc)
            errors.append(ExerciseError("unreadable", name=path.name))
            continue
        if exercise.id in themes:
            errors.append(ExerciseError("duplicate_id", name=path.name, id=exercise.id,
                                        other=themes[exercise.id].path.name))
            continue
        themes[exercise.id] = exercise
    return list(themes.values()), errors, hidden


def example_theme_text() -> str:
    """A built-in theme's YAML, as the example an instructor copies and rewrites."""
    return min(settings.EXERCISES_DIR.glob("*.yaml")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class AnswerCheck:
    correct: bool
    expected: float
    given: float | None
    mistakes: tuple[Mistake, ...] = ()  # a wrong answer's likely causes (lib.workspace.exercise_mistakes)


def parse_number(text: str) -> float | None:
    """A number as typed: full-width digits, thousands separators, % and units are ignored."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).replace(",", "").strip()
    match = re.search(r"[-+]?\d+(?:\.\d+)?", cleaned)
    return float(match.group()) if match else None


def expected_answer(question: Question, database: Path, name: QuestionName | None = None) -> float:
    """The right answer: the question's fixed value, else the first value of its query on the published
    database file. `name` names the question in an error (default: its id)."""
    if question.value is not None:
        return question.value
    name = name or QuestionName(question.id)
    frame = run_user_sql(database, question.sql).frame
    if frame.empty:
        raise ExerciseError("no_rows", question=name)
    value = frame.iat[0, 0]
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ExerciseError("not_a_number", question=name, value=str(value)) from exc
    if math.isnan(number):
        raise ExerciseError("null_answer", question=name)
    return number


def _first_number(database: Path, sql: str) -> float | None:
    try:
        frame = run_user_sql(database, sql).frame
        number = float(frame.iat[0, 0]) if not frame.empty else None
    except (UserQueryError, TypeError, ValueError):
        return None
    return None if number is None or math.isnan(number) else number


@lru_cache(maxsize=64)
def _mistake_results(sql: str, database: Path) -> tuple[tuple[Mistake, float | None], ...]:
    """Each typical mistake of the query and its result on this published database (a new build is a new file)."""
    catalog = load_catalog()
    tables = [name for name in exercise_mistakes.tables_read(sql) if name in catalog]
    year_tables = {c.name: [n for n in tables if any(x.name == c.name and x.role == "year" for x in catalog[n].columns)]
                   for n in tables for c in catalog[n].columns if c.role == "year"}

    def years_of(column: str) -> list[int]:
        union = " UNION ".join(f"SELECT DISTINCT {q(column)} AS y FROM {q(table)}" for table in year_tables[column])
        try:
            frame = run_user_sql(database, f"SELECT y FROM ({union}) WHERE y IS NOT NULL ORDER BY y").frame
        except UserQueryError:
            return []
        return [int(v) for v in frame["y"]]

    mistakes = exercise_mistakes.typical_mistakes(sql, set(year_tables), years_of)
    return tuple((mistake, _first_number(database, mistake.sql)) for mistake in mistakes)


def check_answer(question: Question, answer: str, database: Path) -> AnswerCheck:
    """The answer checked; a wrong number is compared with the results of the query's typical mistakes."""
    expected = expected_answer(question, database)
    given = parse_number(answer)
    correct = given is not None and abs(given - expected) <= question.tolerance + 1e-9
    mistakes = ()
    if given is not None and not correct and question.sql:
        mistakes = tuple(exercise_mistakes.matching(list(_mistake_results(question.sql, Path(database))), given,
                                                    expected, question.tolerance))
    return AnswerCheck(correct, expected, given, mistakes)
