"""Every text key used in the code exists, in Japanese and in English."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from lib.i18n import STRINGS

ROOT = Path(__file__).resolve().parent.parent
USE = re.compile(r"""\btr?\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_used_key_has_japanese_and_english():
    sources = list((ROOT / "pages").glob("*.py")) + list((ROOT / "lib").rglob("*.py")) + [ROOT / "app.py"]
    used = {key for path in sources for key in USE.findall(path.read_text(encoding="utf-8"))}
    assert used, "no text keys found: the pattern is wrong"
    missing = sorted(k for k in used if k not in STRINGS)
    assert not missing, f"keys without text: {missing}"


def test_every_text_has_both_languages():
    incomplete = sorted(k for k, v in STRINGS.items() if not (v.get("ja") and v.get("en")))
    assert not incomplete, incomplete


def test_no_multiselect_offers_streamlits_english_select_all_or_placeholder():
    """Streamlit's multiselect lists an English 「Select all」 entry that has no translation hook, and
    says 「Choose options」 when nothing is chosen: every multiselect turns the first off (age groups
    have their own Japanese presets) and gives its own placeholder."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.glob("pages/*.py"), *root.glob("lib/**/*.py"), root / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "multiselect"
                    and not (any(k.arg == "select_all" and ast.literal_eval(k.value) is False for k in node.keywords)
                             and any(k.arg == "placeholder" for k in node.keywords))):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def test_japanese_text_names_datasets_by_their_titles_not_their_table_names():
    """A trainee's placeholder or example says 要介護認定, not care_certification (the SQL page teaches those)."""
    from lib.data.catalog import load_catalog

    # Texts for the instructor's command line and its reports quote file and code names on purpose.
    command_line = ("city.", "population.error.")
    names = set(load_catalog())
    found = {key: name for key, entry in STRINGS.items() if not key.startswith(command_line)
             for name in names if re.search(rf"(?<![\w.{{]){re.escape(name)}(?![\w}}])", entry.get("ja") or "")}
    assert found == {}


def test_a_day_reads_as_people_write_it():
    from datetime import date

    from lib.i18n import date_text

    assert date_text(date(2027, 1, 10)) == "2027年1月10日"
    assert date_text(date(2027, 1, 10), "en") == "10 Jan 2027"
