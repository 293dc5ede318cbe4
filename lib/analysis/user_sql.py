"""Running SQL that a trainee typed, on the locked-down published database.

Layers of protection, each enough on its own for some attacks:
1. before anything parses it, DuckDB's tokenizer must show one statement that starts with a
   query keyword, with no PRAGMA and no system function or view (settings, paths, versions,
   extensions); comments, nested ones included, are skipped the way DuckDB skips them;
2. it is parsed on a connection with no file or network access and no extension loading, and
   must be a SELECT (PIVOT may add the type it needs);
3. it runs in a worker process (lib.analysis.sql_worker) with a memory limit, on a read-only
   connection with file and network access and configuration changes switched off, under a
   time limit that covers parsing, and hands back at most a row cap and a byte budget, already
   converted to a DataFrame there (this process only unpickles it, under no lock); a user
   (`owner`) runs at most one query at a time.
"""
from __future__ import annotations

import atexit
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from lib import settings
from lib.analysis.sql_worker import WorkerFailed, WorkerPool
from lib.data.duckdb_lockdown import locked_memory_connection
from lib.errors import WorkbenchError

MAX_SQL_LENGTH = 20_000
_QUERY_KEYWORDS = {"select", "with", "from", "values", "table", "describe", "summarize", "show",
                   "pivot", "unpivot", "("}
_PIVOT_KEYWORDS = {"pivot", "unpivot"}
# What a trainee may not look at: settings, database paths, versions, extensions, logs and the
# functions that run SQL given as a string (which would get round these checks).
_SYSTEM_PREFIXES = ("duckdb_", "pragma_", "pg_", "sqlite_", "has_", "txid_", "parquet_", "icu_", "st_read",
                    "json_execute", "json_deserialize")
_SYSTEM_NAMES = {
    "current_setting", "current_database", "current_catalog", "current_schema", "current_schemas",
    "current_query", "current_query_id", "current_connection_id", "current_transaction_id", "current_role",
    "current_user", "session_user", "user", "version", "platform", "user_agent", "extension_versions",
    "getvariable", "getenv", "query", "query_table", "which_secret", "checkpoint", "force_checkpoint",
    "enable_logging", "disable_logging", "enable_profiling", "disable_profiling", "enable_profile",
    "disable_profile", "truncate_duckdb_logs", "write_log", "import_database", "copy_database",
    "database_list", "database_size", "show_databases", "st_drivers", "shapefile_meta", "sniff_csv",
    "arrow_scan", "arrow_scan_dumb", "pandas_scan", "python_map_function", "in_search_path",
    "format_pg_type", "map_to_pg_oid", "enable_checkpoint_on_shutdown", "disable_checkpoint_on_shutdown",
}
_NAME_WINDOW = 256  # bytes read at each token: enough for any name that matters here
_UNQUOTED = re.compile(r"[^\s\"'(),;.\[\]{}:=<>+\-*/%|&!~^@?#]+")


class UserQueryError(WorkbenchError):
    """A query that was refused or failed; `message` is a Japanese sentence for the user."""

    def __init__(self, message: str, message_en: str, kind: str, detail: str = ""):
        self.message = message
        self.message_en = message_en
        self.kind = kind
        self.detail = detail
        super().__init__(kind)

    def text(self, lang: str = "ja") -> str:
        return self.message if lang == "ja" else self.message_en


# What the trainee reads for each kind of refusal or failure: what was wrong and what to do.
_MESSAGES = {
    "empty": ("SQL が空です。SELECT 文を入力してください。", "The SQL is empty. Type a SELECT statement."),
    "too_long": (
        f"SQL が長すぎます（{MAX_SQL_LENGTH:,} 文字まで）。短くしてください。",
        f"The SQL is too long (up to {MAX_SQL_LENGTH:,} characters); shorten it.",
    ),
    "multiple": (
        "一度に実行できるのは SELECT 文 1 つだけです。; で区切った複数の文は実行できません。",
        "Only one SELECT statement can run at a time.",
    ),
    "refused": (
        "この画面で実行できるのはデータを読む SELECT 文だけです。"
        "データや設定の変更、ファイルの読み書き、拡張機能の読み込みはできません。",
        "Only SELECT statements that read data can run here; changing data or settings, "
        "files and extensions are not allowed.",
    ),
    "system": (
        "設定・データベースの場所・バージョン・拡張機能などのシステムの情報は見られません。"
        "公開済みのテーブルと列だけを使ってください。",
        "System information (settings, database paths, versions, extensions) cannot be read; "
        "use the published tables and their columns only.",
    ),
    "syntax": (
        "SQL の書き方に誤りがあります。エラーの位置の前後を確認してください。",
        "The SQL has a syntax error; check around the position shown.",
    ),
    "timeout": (
        "実行時間が上限（{seconds:g} 秒）を超えたため止めました。条件を絞るか、集計してから表示してください。",
        "The query ran longer than the limit ({seconds:g} s) and was stopped; filter or aggregate.",
    ),
    "permission": (
        "ファイルや外部へのアクセスは許可されていません。公開済みのテーブルだけを使ってください。",
        "Files and external access are not allowed; use the published tables only.",
    ),
    "catalog": (
        "テーブルまたは列が見つかりません。右のスキーマ一覧で名前を確認してください。",
        "A table or column was not found; check the names in the schema list.",
    ),
    "binder": (
        "列名や関数の使い方に誤りがあります。列名と GROUP BY を確認してください。",
        "A column or function is used wrongly; check column names and GROUP BY.",
    ),
    "memory": (
        "結果が大きすぎてメモリが足りません。条件を絞るか集計してください。",
        "The query needs too much memory; filter or aggregate first.",
    ),
    "too_large": (
        "結果の 1 行が大きすぎて表示できません（{megabytes:g} MB まで）。列を絞るか、文字列を短くしてください。",
        "One row of the result is too large to show (up to {megabytes:g} MB); select fewer or shorter columns.",
    ),
    "own_busy": (
        "前に実行した SQL がまだ終わっていません。終わるのを待ってから、もう一度実行してください。",
        "Your previous query is still running; wait for it to finish, then run this one.",
    ),
    "busy": (
        "ほかの SQL の実行が混み合っています。少し待ってから、もう一度実行してください。",
        "Too many queries are running; wait a moment and run it again.",
    ),
    "crashed": (
        "SQL の実行が途中で止まりました。条件を絞るか集計して、もう一度実行してください。",
        "The query stopped before it finished; filter or aggregate and run it again.",
    ),
    "error": ("SQL を実行できませんでした。内容を確認してください。", "The SQL could not be run; check it."),
}


def _error(kind: str, detail: str = "", **values) -> UserQueryError:
    ja, en = _MESSAGES.get(kind, _MESSAGES["error"])
    return UserQueryError(ja.format(**values), en.format(**values), kind, detail)


@dataclass
class QueryResult:
    frame: pd.DataFrame
    truncated: bool
    elapsed_s: float
    row_cap: int
    limited_by_size: bool = False  # cut at the byte budget rather than the row cap
    nested_as_text: tuple[str, ...] = ()  # columns of lists, structs or maps, shown as their (cut) text


@dataclass(frozen=True)
class _Token:
    kind: duckdb.token_type
    start: int  # byte offset
    text: str  # the keyword, operator or name; for a quoted name, the name inside the quotes


def _tokens(text: str) -> list[_Token]:
    """DuckDB's own tokens (comments, nested ones too, are skipped as DuckDB skips them)."""
    raw = text.encode("utf-8")
    tokens = []
    for start, kind in duckdb.tokenize(text):
        rest = raw[start:start + _NAME_WINDOW].decode("utf-8", errors="ignore")
        if kind == duckdb.token_type.identifier and rest.startswith('"'):
            match = re.match(r'"((?:[^"]|"")*)"', rest)
            word = match.group(1).replace('""', '"') if match else rest[1:]
        else:
            match = _UNQUOTED.match(rest)
            word = match.group(0) if match else rest[:1]
        tokens.append(_Token(kind, start, word.lower()))
    return tokens


def _names_system(tokens: list[_Token]) -> bool:
    """True when a name refers to system information: any such view or schema, or such a function call."""
    for token, following in zip(tokens, tokens[1:] + [None], strict=True):
        if token.kind not in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            continue
        called = following is not None and following.text == "("
        if token.text.startswith(_SYSTEM_PREFIXES) or (called and token.text in _SYSTEM_NAMES):
            return True
    return False


def check_user_sql(sql: str) -> str:
    """Return the single SELECT statement in `sql` (without a final ';'), or raise UserQueryError."""
    text = (sql or "").strip()
    if len(text) > MAX_SQL_LENGTH:
        raise _error("too_long")
    tokens = _tokens(text)
    while tokens and tokens[-1].text == ";":
        text = text.encode("utf-8")[: tokens.pop().start].decode("utf-8").strip()
    if not tokens:
        raise _error("empty")
    if any(token.text == ";" for token in tokens):
        raise _error("multiple")
    # Refused before parsing: DuckDB expands PRAGMA while parsing (import_database reads files).
    first = tokens[0].text
    if tokens[0].kind != duckdb.token_type.keyword and first != "(":
        raise _error("syntax", first)  # no statement starts with a name, a number or a string
    if first not in _QUERY_KEYWORDS or any(
            token.kind == duckdb.token_type.keyword and token.text == "pragma" for token in tokens):
        raise _error("refused", first.upper())
    if _names_system(tokens):
        raise _error("system")
    parser = _parser.cursor()  # one per call: no lock that other users' queries would wait on
    try:
        statements = parser.extract_statements(text)
    except duckdb.Error as exc:
        raise _error("syntax", str(exc)) from exc
    finally:
        parser.close()
    # PIVOT without an IN list becomes a CREATE TYPE for its values followed by the SELECT.
    extra_allowed = first in _PIVOT_KEYWORDS and all(s.type == duckdb.StatementType.CREATE for s in statements[:-1])
    if len(statements) != 1 and not extra_allowed:
        raise _error("multiple")
    if statements[-1].type != duckdb.StatementType.SELECT:
        raise _error("refused", statements[-1].type.name)
    return text


_parser = locked_memory_connection()
_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def worker_pool() -> WorkerPool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = WorkerPool(settings.USER_SQL_WORKERS, settings.USER_SQL_MEMORY_MB)
            atexit.register(_pool.close)
        return _pool


def run_user_sql(
    database: Path,
    sql: str,
    time_limit_s: float | None = None,
    row_cap: int | None = None,
    byte_budget: int | None = None,
    owner: str | None = None,
) -> QueryResult:
    """Check trainee SQL, then run it in a worker on the published database file `database`.

    `owner` (a browser session) holds at most one worker: a second query while the first runs is refused.
    """
    time_limit_s = settings.USER_SQL_TIME_LIMIT_S if time_limit_s is None else float(time_limit_s)
    row_cap = settings.USER_SQL_ROW_CAP if row_cap is None else int(row_cap)
    byte_budget = int(settings.USER_SQL_RESULT_MB * 1024 * 1024) if byte_budget is None else int(byte_budget)
    query = check_user_sql(sql)
    request = {"database": str(database), "query": query, "time_limit_s": time_limit_s,
               "row_cap": row_cap, "byte_budget": byte_budget}
    try:
        header, payload = worker_pool().run(request, wait_s=time_limit_s, owner=owner)
    except WorkerFailed as failure:
        raise _error(failure.kind, seconds=time_limit_s) from failure
    if not header["ok"]:
        raise _error(header["kind"], header.get("detail", ""), seconds=time_limit_s,
                     megabytes=round(byte_budget / 1024 / 1024, 1))
    frame = pickle.loads(payload)  # noqa: S301  (made by our own worker, within the byte budget)
    return QueryResult(frame, header["limited_by"] is not None, header["elapsed_s"], row_cap,
                       header["limited_by"] == "bytes", tuple(header["nested"]))
