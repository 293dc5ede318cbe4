"""A preparation recipe: what the instructor chose on the data page, as a file people can read and re-run.

YAML, not JSON: the file explains itself in Japanese comments to the instructor who opens it a year
later (JSON has no comments), Japanese keys and values stay as written (JSON tools escape them to
\\uXXXX), and the steps read as a list, top to bottom, as on the page. YAML is also where it can be
dangerous, so a recipe is read strictly: UTF-8 text of at most 1 MB, no tags, anchors or aliases
(`!!python/…`, `&a`/`*a` bombs), the safe loader, and every key and value checked against what the page
can do (unknown keys refused, names as staging and publishing accept them, no path in a file name).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from lib import settings
from lib.data.anonymize import CLASSES
from lib.data.column_types import EDITABLE_TYPES
from lib.data.generalization_presets import PRESETS
from lib.data.jp_cleaning import HELPERS
from lib.data.staging import check_name
from lib.data.text_encoding import ENCODINGS
from lib.errors import WorkbenchError
from lib.i18n import t

FORMAT = "データ準備の手順/1"
AUTO = "自動"  # the encoding detected from the file
METHODS = ("generalize", "suppress")
ZONINGS = ("none", "build", "upload")  # no zones / zones of adjacent areas built / the city's own table
TYPES = (*EDITABLE_TYPES, "geometry")
MAX_BYTES = 1024 * 1024
MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RecipeError(WorkbenchError):
    """A recipe that cannot be read or re-run; `text(lang)` says what and what to do."""
    key_prefix = "recipe.error."


@dataclass
class CleaningStep:
    column: str
    helper: str
    target: str | None = None


@dataclass
class Zoning:
    kind: str = "none"
    min_people: int | None = None
    table: dict[str, str] = field(default_factory=dict)  # area code → zone name, for "upload"


@dataclass
class Recipe:
    city_name: str = ""
    # import
    source_name: str = ""
    encoding: str | None = None  # None: detected from the file
    sheet: str | None = None
    staging_name: str = ""
    columns: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    # cleaning, then the columns' classes
    cleaning: list[CleaningStep] = field(default_factory=list)
    classification: dict[str, str] = field(default_factory=dict)
    # anonymization
    k: int = settings.MIN_CELL
    l: int | None = None
    sensitive: str | None = None
    method: str = "generalize"
    max_suppression: float = 0.05
    reference: date = date(2025, 4, 1)
    presets: dict[str, str] = field(default_factory=dict)
    zoning: Zoning = field(default_factory=Zoning)
    # publication
    name: str = ""
    title: str = ""
    description: str = ""
    record_unit: str = ""
    published_by: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # the published columns, in order
    units: dict[str, str] = field(default_factory=dict)

    def to_text(self) -> str:
        sections = [
            ("recipe.comment.head", {"形式": FORMAT, "市区町村": self.city_name}),
            ("recipe.comment.import", {"取り込み": {
                "元のファイル": self.source_name, "文字コード": self.encoding or AUTO, "シート": self.sheet,
                "データ名": self.staging_name, "列": list(self.columns)}}),
            ("recipe.comment.types", {"列の型": dict(self.types)}),
            ("recipe.comment.cleaning", {"整形": [
                {"列": s.column, "処理": s.helper, **({"書き出す列": s.target} if s.target else {})}
                for s in self.cleaning]}),
            ("recipe.comment.classes", {"列の分類": dict(self.classification)}),
            ("recipe.comment.anonymize", {"匿名化": {
                "k": self.k, "l": self.l, "要配慮の列": self.sensitive, "方法": self.method,
                "削除してよい割合": self.max_suppression, "基準日": self.reference, "一般化": dict(self.presets),
                "地区": {"作り方": self.zoning.kind, "最小の人数": self.zoning.min_people,
                       "対応表": dict(self.zoning.table)}}}),
            ("recipe.comment.publish", {"公開": {
                "データ名": self.name, "表示名": self.title, "説明": self.description, "1行の単位": self.record_unit,
                "公開した人": self.published_by,
                "列": {c: {"表示名": label, "単位": self.units.get(c, "")} for c, label in self.labels.items()}}}),
        ]
        parts = []
        for comment, content in sections:
            parts.append("".join(f"# {line}\n" for line in t(comment, "ja").splitlines()))
            parts.append(yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=1000))
            parts.append("\n")
        return "".join(parts).rstrip("\n") + "\n"

    @classmethod
    def from_text(cls, text: str) -> Recipe:
        """A recipe from its file's text; RecipeError for anything the page would not have written."""
        _refuse_yaml_features(text)
        try:
            data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506  (a SafeLoader that also refuses duplicates)
        except yaml.YAMLError as exc:
            raise RecipeError("bad_yaml", line=_line_of(exc)) from exc
        if isinstance(data, dict) and data.get("形式") != FORMAT:
            raise RecipeError("not_recipe", format=FORMAT)
        top = _mapping(data, "", {"形式", "市区町村", "取り込み", "列の型", "整形", "列の分類", "匿名化", "公開"})
        recipe = cls(city_name=_text(top["市区町村"], "市区町村", empty=True))
        _read_import(
            recipe, _mapping(top["取り込み"], "取り込み", {"元のファイル", "文字コード", "シート", "データ名", "列"})
        )
        recipe.types = _column_map(top["列の型"], "列の型", TYPES)
        recipe.cleaning = [_cleaning_step(step, f"整形 {n}") for n, step in enumerate(_list(top["整形"], "整形"), 1)]
        recipe.classification = _column_map(top["列の分類"], "列の分類", CLASSES)
        _read_anonymization(recipe, _mapping(top["匿名化"], "匿名化", {
            "k", "l", "要配慮の列", "方法", "削除してよい割合", "基準日", "一般化", "地区"}))
        _read_publication(
            recipe, _mapping(top["公開"], "公開", {"データ名", "表示名", "説明", "1行の単位", "公開した人", "列"})
        )
        return recipe


def read_recipe(path: str | Path) -> Recipe:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RecipeError("too_large", name=path.name, limit_kb=MAX_BYTES // 1024)
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise RecipeError("missing", name=path.name) from exc
    except OSError as exc:  # no permission, a device …
        raise RecipeError("unreadable", name=path.name) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecipeError("not_utf8", name=path.name) from exc
    return Recipe.from_text(text)


def recipes_dir() -> Path:
    """Beside the publication log: the recipe of every dataset published through the data page or the CLI."""
    return settings.data_dir() / "recipes"


def keep_recipe(recipe: Recipe) -> Path:
    """Write `recipes/<name>.yaml`; a different earlier recipe of that name is kept under a dated name."""
    folder = recipes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{check_name(recipe.name)}.yaml"
    text = recipe.to_text()
    if path.exists() and path.read_text(encoding="utf-8") != text:
        path.rename(folder / f"{recipe.name}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.yaml")
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- reading, strictly
def _line_of(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark else 1


def _refuse_yaml_features(text: str) -> None:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RecipeError("too_large", name="—", limit_kb=MAX_BYTES // 1024)
    refused = (yaml.TagToken, yaml.AnchorToken, yaml.AliasToken, yaml.DirectiveToken)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, refused):
                raise RecipeError("yaml_feature", line=token.start_mark.line + 1)
    except yaml.YAMLError as exc:
        raise RecipeError("bad_yaml", line=_line_of(exc)) from exc


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing a key written twice in one mapping (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise RecipeError("duplicate_key", item=printable(key), line=key_node.start_mark.line + 1)
            if isinstance(key, str | int | float | bool):
                seen.add(key)
        return super().construct_mapping(node, deep)


def _where(where: str, key: str) -> str:
    return f"{where} › {key}" if where else key


def _mapping(value, where: str, keys: set[str], required: bool = True) -> dict:
    if not isinstance(value, dict):
        raise RecipeError(
            "bad_value", where=where or "—", value=printable(value), expected=t("recipe.expect.mapping", "ja")
        )
    for key in value:
        if not isinstance(key, str) or key not in keys:
            raise RecipeError("unknown_key", where=where or "—", item=printable(key))
    if required:
        for key in sorted(keys - set(value)):
            raise RecipeError("missing_key", where=where or "—", item=key)
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecipeError("bad_value", where=where, value=printable(value), expected=t("recipe.expect.list", "ja"))
    return value


def printable(value, limit: int = 40) -> str:
    """A value quoted in a message: control characters (a terminal's escape sequences) as "?", cut short."""
    text = _UNPRINTABLE.sub("?", str(value))
    return text if len(text) <= limit else text[:limit] + "…"




def _text(value, where: str, empty: bool = False, limit: int = MAX_TEXT) -> str:
    if value is None and empty:
        return ""
    if not isinstance(value, str) or (not empty and not value.strip()) or len(value) > limit or _CONTROL.search(value):
        raise RecipeError("bad_value", where=where, value=printable(value), expected=t("recipe.expect.text", "ja"))
    return value


def _column(value, where: str) -> str:
    return _text(value, where, limit=200)


def _choice(value, where: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise RecipeError("bad_value", where=where, value=printable(value),
                          expected=t("recipe.expect.choice", "ja", values="、".join(choices)))
    return value


def _integer(value, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecipeError("bad_value", where=where, value=printable(value),
                          expected=t("recipe.expect.integer", "ja", low=low, high=high))
    return value


def _name(value, where: str) -> str:
    try:
        return check_name(value if isinstance(value, str) else "")
    except ValueError as exc:
        raise RecipeError("bad_name", where=where, name=printable(value)) from exc


def _column_map(value, where: str, choices) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecipeError("bad_value", where=where, value=printable(value), expected=t("recipe.expect.mapping", "ja"))
    return {
        _column(column, where): _choice(kind, _where(where, str(column)), choices) for column, kind in value.items()
    }


def _read_import(recipe: Recipe, section: dict) -> None:
    source = _text(section["元のファイル"], "取り込み › 元のファイル", empty=True, limit=255)
    if source and (Path(source).name != source or "\\" in source or source in {".", ".."}):
        raise RecipeError("bad_value", where="取り込み › 元のファイル", value=printable(source),
                          expected=t("recipe.expect.file_name", "ja"))
    recipe.source_name = source
    encoding = section["文字コード"]
    recipe.encoding = None if encoding == AUTO else _choice(encoding, "取り込み › 文字コード", (AUTO, *ENCODINGS))
    recipe.sheet = _text(section["シート"], "取り込み › シート", limit=200) if section["シート"] is not None else None
    recipe.staging_name = _name(section["データ名"], "取り込み › データ名")
    recipe.columns = [_column(c, "取り込み › 列") for c in _list(section["列"], "取り込み › 列")]
    if not recipe.columns or len(set(recipe.columns)) != len(recipe.columns):
        raise RecipeError("bad_value", where="取り込み › 列", value=len(recipe.columns),
                          expected=t("recipe.expect.columns", "ja"))


def _cleaning_step(step, where: str) -> CleaningStep:
    step = _mapping(step, where, {"列", "処理", "書き出す列"}, required=False)
    for key in ("列", "処理"):
        if key not in step:
            raise RecipeError("missing_key", where=where, item=key)
    target = step.get("書き出す列")
    return CleaningStep(_column(step["列"], f"{where} › 列"), _choice(step["処理"], f"{where} › 処理", tuple(HELPERS)),
                        _column(target, f"{where} › 書き出す列") if target is not None else None)


def _read_anonymization(recipe: Recipe, section: dict) -> None:
    recipe.k = _integer(section["k"], "匿名化 › k", 2, 50)
    if section["l"] is not None:
        recipe.l = _integer(section["l"], "匿名化 › l", 0, 10) or None
    sensitive = section["要配慮の列"]
    if sensitive is not None:
        recipe.sensitive = _choice(sensitive, "匿名化 › 要配慮の列",
                                   [c for c, role in recipe.classification.items() if role == "sensitive"])
    recipe.method = _choice(section["方法"], "匿名化 › 方法", METHODS)
    share = section["削除してよい割合"]
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 0.2:
        raise RecipeError("bad_value", where="匿名化 › 削除してよい割合", value=printable(share),
                          expected=t("recipe.expect.share", "ja"))
    recipe.max_suppression = float(share)
    reference = section["基準日"]
    if isinstance(reference, str):
        try:
            reference = date.fromisoformat(reference)
        except ValueError:
            pass
    if not isinstance(reference, date) or isinstance(reference, datetime):
        raise RecipeError(
            "bad_value", where="匿名化 › 基準日", value=printable(reference), expected=t("recipe.expect.date", "ja")
        )
    recipe.reference = reference
    recipe.presets = _column_map(section["一般化"], "匿名化 › 一般化", PRESETS)
    zoning = _mapping(section["地区"], "匿名化 › 地区", {"作り方", "最小の人数", "対応表"})
    kind = _choice(zoning["作り方"], "匿名化 › 地区 › 作り方", ZONINGS)
    minimum = zoning["最小の人数"]
    table = zoning["対応表"] or {}
    if not isinstance(table, dict):
        raise RecipeError("bad_value", where="匿名化 › 地区 › 対応表", value=printable(table),
                          expected=t("recipe.expect.mapping", "ja"))
    recipe.zoning = Zoning(
        kind, _integer(minimum, "匿名化 › 地区 › 最小の人数", recipe.k, 10_000_000) if kind == "build" else None,
        {_text(str(code), "匿名化 › 地区 › 対応表", limit=20): _text(name, "匿名化 › 地区 › 対応表", limit=200)
         for code, name in table.items()} if kind == "upload" else {})
    if kind == "upload" and not recipe.zoning.table:
        raise RecipeError("missing_key", where="匿名化 › 地区", item="対応表")


def _read_publication(recipe: Recipe, section: dict) -> None:
    recipe.name = _name(section["データ名"], "公開 › データ名")
    recipe.title = _text(section["表示名"], "公開 › 表示名", limit=200)
    recipe.description = _text(section["説明"], "公開 › 説明", empty=True)
    recipe.record_unit = _text(section["1行の単位"], "公開 › 1行の単位", limit=100)
    recipe.published_by = _text(section["公開した人"], "公開 › 公開した人", empty=True, limit=100)
    columns = section["列"]
    if not isinstance(columns, dict) or not columns:
        raise RecipeError(
            "bad_value", where="公開 › 列", value=printable(columns), expected=t("recipe.expect.mapping", "ja")
        )
    for column, entry in columns.items():
        where = f"公開 › 列 › {_column(column, '公開 › 列')}"
        entry = _mapping(entry, where, {"表示名", "単位"})
        recipe.labels[column] = _text(entry["表示名"], f"{where} › 表示名", limit=200)
        unit = _text(entry["単位"], f"{where} › 単位", empty=True, limit=50)
        if unit:
            recipe.units[column] = unit
