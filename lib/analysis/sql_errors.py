"""DuckDB's English error text → what a trainee reads: a sentence in their language and where in the SQL.

DuckDB says what went wrong in English ("Referenced column "yeer" not found in FROM clause!").
The common mistakes are recognised and retold with the trainee's own names (and DuckDB's
suggestion, when it has one); the rest is not retold at all, never shown in English. The place of
the error is the trainee's own SQL line with a ^ under the spot.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lib.i18n import t


@dataclass(frozen=True)
class SqlErrorExplanation:
    summary: str  # "" when the error is not one of the recognised mistakes
    line: int | None  # 1-based line of the SQL where DuckDB stopped
    excerpt: str  # that line (as DuckDB cut it) and a ^ under the spot


_TYPES = {  # DuckDB's type names, as the trainee thinks of them
    "VARCHAR": "text", "INTEGER": "number", "BIGINT": "number", "SMALLINT": "number", "TINYINT": "number",
    "HUGEINT": "number", "INT32": "number", "INT64": "number", "DOUBLE": "number", "FLOAT": "number",
    "DECIMAL": "number", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "date",
}

# (pattern, text key): named groups fill the text's {placeholders}.
_MISTAKES = [
    (r'Table with name (?P<name>\S+) does not exist!', "sql.error.no_table"),
    (r'Referenced column "(?P<name>[^"]+)" not found in FROM clause!', "sql.error.no_column"),
    (r'Table "(?P<table>[^"]+)" does not have a column named "(?P<name>[^"]+)"', "sql.error.no_column_in"),
    (r'(?:Scalar|Aggregate|Table) Function with name (?P<name>\S+) does not exist!', "sql.error.no_function"),
    (r'column "(?P<name>[^"]+)" must appear in the GROUP BY clause', "sql.error.group_by"),
    (r'No function matches the given name and argument types \'(?P<name>[^(]+)\((?P<types>[^)]*)\)\'',
     "sql.error.argument_types"),
    (r"Could not convert string '(?P<value>[^']*)' to (?P<type>\w+)", "sql.error.conversion"),
    (r'syntax error at or near "(?P<near>[^"]+)"', "sql.error.syntax_near"),
    (r'syntax error at end of input', "sql.error.syntax_end"),
    (r'LIMIT/OFFSET cannot be negative', "sql.error.negative_limit"),
    (r'[Dd]ivision by zero', "sql.error.division_by_zero"),
]
_SUGGESTION = re.compile(r'Did you mean "(?P<name>[^"]+)"\?')
_CANDIDATES = re.compile(r'Candidate bindings: [:\s]*(?P<names>(?:"[^"]+"(?:, )?)+)')
_LOCATION = re.compile(r'^LINE (?P<line>\d+): (?P<text>.*)\n(?P<caret> *\^)', re.M)


def _type_words(types: str, lang: str) -> str:
    words = [
        t(f"sql.error.type.{_TYPES.get(part.strip(), 'other')}", lang) for part in types.split(",") if part.strip()
    ]
    return "、".join(dict.fromkeys(words)) if lang == "ja" else ", ".join(dict.fromkeys(words))


def explain_sql_error(detail: str, lang: str = "ja") -> SqlErrorExplanation:
    """DuckDB's error text `detail` retold in `lang` (empty parts where there is nothing to retell)."""
    summary = ""
    for pattern, key in _MISTAKES:
        match = re.search(pattern, detail or "")
        if match:
            values = match.groupdict()
            if "types" in values:
                values["types"] = _type_words(values["types"], lang)
            if "type" in values:
                values["type"] = t(f"sql.error.type.{_TYPES.get(values['type'], 'other')}", lang)
            summary = t(key, lang, **values)
            break
    if summary and (suggestion := _SUGGESTION.search(detail)):
        summary += t("sql.error.did_you_mean", lang, name=suggestion.group("name"))
    if summary and (candidates := _CANDIDATES.search(detail)):
        names = re.findall(r'"([^"]+)"', candidates.group("names"))
        summary += t("sql.error.candidates", lang, names=("、" if lang == "ja" else ", ").join(names))
    location = _LOCATION.search(detail or "")
    if location is None:
        return SqlErrorExplanation(summary, None, "")
    prefix = len(f"LINE {location.group('line')}: ")
    excerpt = location.group("text") + "\n" + location.group("caret")[prefix:]
    return SqlErrorExplanation(summary, int(location.group("line")), excerpt)
