"""The quick test run stays free of browser machinery, and the tests are laid out so that a module's test is
found by its name: tests/<package>/test_<module>.py tests lib/<package>/<module>.py."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
LIB = ROOT / "lib"
PAGES = ROOT / "pages"

# Folders of tests/ that do not mirror a lib package.
OWN_FOLDERS = {"pages", "browser", "security", "fixtures"}
# tests/test_*.py that check the whole suite, the app or the repository rather than one top-level lib module.
SUITE_CHECKS = {"classroom_mode", "docs", "error_convention", "generator", "japanese_text", "layers",
                "offline_assets", "page_budget", "raw_sample", "server_start_offline", "suite_hygiene", "thin_pages",
                "waiting"}
# tests/pages/test_*.py that walk several pages under a theme rather than one page.
PAGE_THEMES = {"analysis", "every_page", "sessions"}
# The lib modules with no test file of their own (they are exercised through other modules' tests). Exact: a module
# that gains a test file leaves this list, and a new module has a test file or a place here.
UNTESTED = {
    "analysis/area_indicators", "analysis/demand_projection", "analysis/output_check", "analysis/sql_samples",
    "analysis/sql_worker",
    "charts/model_charts", "charts/picture", "charts/picture_layout", "charts/projection", "charts/style",
    "charts/table_display",
    "cli/exercise_themes", "cli/passcode", "cli/preparation", "cli/workspace_admin",
    "data/build_holds", "data/catalog", "data/census_tables", "data/city_areas", "data/city_file", "data/cleaned",
    "data/column_types", "data/dictionary_edits", "data/file_readers", "data/geo_checks", "data/import_guards",
    "data/import_result", "data/import_worker", "data/preparation", "data/profile", "data/small_cells",
    "data/text_encoding",
    "deck/access", "deck/export", "deck/native_chart",
    "deck/analyses/area_inputs", "deck/analyses/cohort_projection", "deck/analyses/demand_projection",
    "deck/analyses/hot_spots", "deck/analyses/multiple_regression", "deck/analyses/projection_common",
    "deck/analyses/similar_areas", "deck/analyses/survey_likert", "deck/analyses/survey_words",
    "deck/analyses/weighted_survey",
    "maps/area_results", "maps/layer_colours", "maps/layer_kinds", "maps/measures", "maps/offline", "maps/points",
    "maps/preview", "maps/queries", "maps/units", "maps/value_map", "maps/zone_map",
    "ui/analysis_controls", "ui/analysis_view", "ui/base_layer_upload", "ui/city_choice", "ui/city_setup",
    "ui/course_overview", "ui/course_session", "ui/course_setup", "ui/deck_conflict", "ui/deck_downloads",
    "ui/deck_editor", "ui/deck_presenter", "ui/deck_slides", "ui/errors", "ui/filters", "ui/font_size",
    "ui/group_pc_join", "ui/group_review", "ui/identity", "ui/instructor_login", "ui/item_editor", "ui/leave_guard",
    "ui/map_analyses", "ui/map_controls", "ui/map_downloads", "ui/map_units", "ui/map_view", "ui/membership",
    "ui/output_review_panel", "ui/preparation_import", "ui/preparation_steps", "ui/publication_manager",
    "ui/session_widgets", "ui/sign_ins_panel", "ui/snapshot_panel", "ui/step_review", "ui/text",
    "ui/zone_panel",
    "workspace/backup", "workspace/client_address", "workspace/drafts", "workspace/example_group",
    "workspace/exercise_authoring", "workspace/exercise_files", "workspace/logic_model", "workspace/migration",
    "workspace/save_counter", "workspace/snapshots", "workspace/startup",
    "fonts", "markdown_literal", "settings", "yaml_text",
}


def _quick_test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "browser" not in p.relative_to(TESTS).parts)


def test_no_non_browser_test_or_fixture_takes_a_parameter_named_page():
    """pytest-playwright parametrizes every test that asks for `page` (its browser page) over browsers,
    which gives AppTest and unit tests a spurious [chromium-…] dimension."""
    offenders = [f"{path.relative_to(TESTS)}::{node.name}" for path in _quick_test_files()
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.FunctionDef) and _test_or_fixture(node)
                 and any(a.arg == "page" for a in node.args.args)]
    assert offenders == []


def _test_or_fixture(node: ast.FunctionDef) -> bool:
    return node.name.startswith("test_") or any("fixture" in ast.unparse(d) for d in node.decorator_list)


def _names(name: str, module: str) -> bool:
    """test_<name>.py is the test of <module> (or of one aspect of it: test_<module>_<aspect>.py)."""
    return name == module or name.startswith(f"{module}_")


def _modules(folder: Path) -> dict[str, str]:
    """The modules of a lib folder, by the name a test names them with: {"query": "query"}; a package's
    __init__.py that holds code is named after the package ({"cli": "__init__"})."""
    found = {p.stem: p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "__main__")}
    init = folder / "__init__.py"
    if folder != LIB and init.exists() and any(isinstance(n, ast.FunctionDef | ast.ClassDef)
                                               for n in ast.parse(init.read_text(encoding="utf-8")).body):
        found[folder.name] = "__init__"
    return found


def _module_of(test: Path) -> str | None:
    """The lib module a test file names, as its path in lib/ ("data/query", "cli/__init__", "errors"), or None:
    the longest module name that test_<name> starts with, so test_picture_layout is picture_layout's, not
    picture's."""
    folder = test.parent.relative_to(TESTS)
    name = test.stem.removeprefix("test_")
    modules = _modules(LIB / folder)
    matches = [m for m in modules if _names(name, m)]
    return "/".join((*folder.parts, modules[max(matches, key=len)])) if matches else None


def _mirrored_tests() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if p.parent != TESTS
                  and p.relative_to(TESTS).parts[0] not in OWN_FOLDERS)


def test_every_folder_of_tests_is_a_package():
    """Basenames repeat across folders (deck/test_export.py, maps/test_export.py): each folder is a package."""
    folders = {p.parent for p in TESTS.rglob("*.py")}
    assert sorted(str(f.relative_to(TESTS)) for f in folders if not (f / "__init__.py").exists()) == []


def test_every_test_folder_mirrors_a_lib_package():
    folders = {p.parent.relative_to(TESTS) for p in _mirrored_tests()}
    assert sorted(str(f) for f in folders if not (LIB / f / "__init__.py").exists()) == []


def test_every_test_of_a_package_names_one_of_its_modules():
    assert [str(p.relative_to(TESTS)) for p in _mirrored_tests() if _module_of(p) is None] == []


def test_every_page_test_names_a_page_or_a_theme():
    pages = [p.stem for p in PAGES.glob("*.py")]
    offenders = [p.name for p in (TESTS / "pages").glob("test_*.py")
                 if p.stem.removeprefix("test_") not in PAGE_THEMES
                 and not any(_names(p.stem.removeprefix("test_"), page) for page in pages)]
    assert offenders == []


def test_every_top_level_test_names_a_top_level_module_or_checks_the_suite():
    offenders = [p.name for p in TESTS.glob("test_*.py")
                 if p.stem.removeprefix("test_") not in SUITE_CHECKS and _module_of(p) is None]
    assert offenders == []


def test_the_modules_without_a_test_file_of_their_own_are_exactly_the_listed_ones():
    modules = {"/".join((*folder.relative_to(LIB).parts, stem)) for folder in (LIB, *LIB.rglob("*"))
               if folder.is_dir() for stem in _modules(folder).values()}
    tested = {_module_of(p) for p in (*_mirrored_tests(), *TESTS.glob("test_*.py"))}
    untested = modules - tested
    assert sorted(untested - UNTESTED) == [], "a module without a test file: add its test, or list it in UNTESTED"
    assert sorted(UNTESTED - untested) == [], "a listed module has a test file (or is gone): take it off UNTESTED"
