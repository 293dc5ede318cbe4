"""The instructor's own exercise themes as one file, taken to another server or to next year's course.

A bundle is a zip of the themes' YAML files (one a theme, as the loader reads them); one theme's YAML file
is read as a bundle of one. Importing checks every file first (YAML, fields, the datasets published
here, a name not taken by a bundled theme and, given the published database, every answer computed) and
writes nothing unless all pass: each refused file is named with what to fix, in Japanese. A theme whose
id is already one of the instructor's is replaced (the same theme, brought back).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lib import settings
from lib.workspace import exercise_authoring, exercise_files
from lib.workspace.exercise_authoring import ThemeRefused
from lib.workspace.exercises import Exercise, ExerciseError, known_datasets, parse_exercise

MAX_FILES = 200
MAX_FILE_BYTES = 1_000_000  # a theme is a few kB: anything larger is not one
THEME_SUFFIXES = (".yaml", ".yml")


class BundleError(ThemeRefused):
    """A bundle that imports nothing; `problems` (ExerciseErrors) names each refused file and what to fix."""


@dataclass
class ImportedThemes:
    added: list[str] = field(default_factory=list)  # titles
    replaced: list[str] = field(default_factory=list)


def bundle_name() -> str:
    return "演習テーマ.zip"


def export_bundle() -> bytes:
    """Every theme the instructor wrote, as a zip of their YAML files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in exercise_files.read_all(settings.data_dir()).items():
            bundle.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def _files(data: bytes, name: str) -> dict[str, bytes]:
    """{file name: bytes} of the theme files the upload holds."""
    if name.lower().endswith(THEME_SUFFIXES):
        return {PurePosixPath(name).name: data}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir() and "__MACOSX" not in m.filename
                       and m.filename.lower().endswith(THEME_SUFFIXES)]
            if len(members) > MAX_FILES:
                raise BundleError([ExerciseError("bundle_too_many", name=name, n=MAX_FILES)])
            big = [m.filename for m in members if m.file_size > MAX_FILE_BYTES]
            if big:
                raise BundleError([ExerciseError("bundle_too_big", name=PurePosixPath(b).name) for b in big])
            return {PurePosixPath(m.filename).name: bundle.read(m) for m in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise BundleError([ExerciseError("bundle_not_zip", name=name)]) from exc


def read_bundle(data: bytes, name: str, database=None) -> list[tuple[Exercise, str]]:
    """Every theme of the upload with its YAML text, once all are valid here; BundleError naming each
    refused file otherwise. With `database`, every answer is computed on the published data too."""
    files = _files(data, name)
    if not files:
        raise BundleError([ExerciseError("bundle_no_themes", name=name)])
    known, problems, themes, ids = known_datasets(), [], [], {}
    for file_name, raw in files.items():
        try:
            text = raw.decode("utf-8-sig")
            exercise = parse_exercise(text, file_name, known)
            if exercise_authoring.is_bundled(exercise.id):
                raise ExerciseError("in_file", file=file_name, detail=ExerciseError("bundled_id", id=exercise.id))
            if exercise.id in ids:
                raise ExerciseError("bundle_same_id", file=file_name, id=exercise.id, other=ids[exercise.id])
            ids[exercise.id] = file_name
            if database is not None:
                for number, question in enumerate(exercise.questions, start=1):
                    try:
                        exercise_authoring.answer(question, number, database)
                    except ExerciseError as exc:
                        raise ExerciseError("in_file", file=file_name, detail=exc) from exc
        except UnicodeDecodeError:
            problems.append(ExerciseError("unreadable", name=file_name))
            continue
        except ExerciseError as exc:  # parse_exercise's errors start with the file's name
            problems.append(exc)
            continue
        themes.append((exercise, text))
    if problems:
        raise BundleError(problems)
    return themes


def import_bundle(data: bytes, name: str, database=None) -> ImportedThemes:
    """Add (or replace) the instructor's themes from an upload; nothing is written unless every file is valid."""
    themes = read_bundle(data, name, database)
    own = {e.id for e in exercise_authoring.own_exercises()}
    done = ImportedThemes()
    for exercise, text in themes:
        exercise_files.write(settings.data_dir(), f"{exercise.id}.yaml", text)
        (done.replaced if exercise.id in own else done.added).append(exercise.title_in("ja"))
    return done
