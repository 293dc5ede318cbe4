"""Running SQL that a trainee typed, on the locked-down published database.

Layers of protection, each enough on its own for some attacks:
1. DuckDB's own parser must find exactly one statement, of type SELECT, that
   starts with a query keyword (so PRAGMA / SET / CALL / DDL / DML are refused);
2. the published database is opened read-only, with file and network access
   and configuration changes switched off (lib.data.store);
3. a timer interrupts a query that runs too long, and the result is capped.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd

from lib import settings

MAX_SQL_LENGTH = 20_000
_QUERY_KEYWORDS = {"SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "SUMMARIZE", "SHOW", "("}
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


class UserQueryError(Exception):
    """A query that was refused or failed; `message` is a Japanese sentence for the user."""

    def __init__(self, message: str, message_en: str, kind: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.kind = kind
        self.detail = detail

    def text(self, lang: str = "ja") -> str:
        return self.message if lang == "ja" else self.message_en


@dataclass
class QueryResult:
    frame: pd.DataFrame
    truncated: bool
    elapsed_s: float
    row_cap: int


def check_user_sql(sql: str) -> str:
    """Return the single SELECT statement in `sql`, or raise UserQueryError."""
    text = (sql or "").strip()
    if not _COMMENTS.sub("", text).strip().strip(";").strip():
        raise UserQueryError("SQL が空です。SELECT 文を入力してください。",
                             "The SQL is empty. Type a SELECT statement.", "empty")
    if len(text) > MAX_SQL_LENGTH:
        raise UserQueryError(
            f"SQL が長すぎます（{MAX_SQL_LENGTH:,} 文字まで）。", "The SQL is too long.", "too_long")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise UserQueryError(
            "SQL の書き方に誤りがあります。エラーの位置の前後を確認してください。",
            "The SQL has a syntax error; check around the position shown.", "syntax", str(exc),
        ) from exc
    if len(statements) != 1:
        raise UserQueryError(
            "一度に実行できるのは SELECT 文 1 つだけです。; で区切った複数の文は実行できません。",
            "Only one SELECT statement can run at a time.", "multiple",
        )
    statement = statements[0]
    # The parser rewrites some statements (PRAGMA x -> SELECT ...), so look at what was typed.
    body = _COMMENTS.sub(" ", text).strip()
    first_word = re.split(r"[\s(]", body, maxsplit=1)[0].upper() if not body.startswith("(") else "("
    if statement.type != duckdb.StatementType.SELECT or first_word not in _QUERY_KEYWORDS:
        raise UserQueryError(
            "この画面で実行できるのはデータを読む SELECT 文だけです。"
            "データや設定の変更、ファイルの読み書き、拡張機能の読み込みはできません。",
            "Only SELECT statements that read data can run here; changing data or settings, "
            "files and extensions are not allowed.",
            "refused", statement.type.name,
        )
    return _without_trailing_semicolons(statement.query)


def _without_trailing_semicolons(query: str) -> str:
    """Cut a final ';' (and any comment after it) using DuckDB's tokenizer, not string tricks."""
    raw = query.encode("utf-8")  # token positions are byte offsets
    tokens = duckdb.tokenize(query)
    while tokens and raw[tokens[-1][0]:tokens[-1][0] + 1] == b";":
        raw = raw[: tokens[-1][0]]
        tokens = tokens[:-1]
    return raw.decode("utf-8").strip()


def _explain(exc: duckdb.Error, time_limit_s: float) -> UserQueryError:
    detail = str(exc)
    if isinstance(exc, duckdb.InterruptException):
        return UserQueryError(
            f"実行時間が上限（{time_limit_s:g} 秒）を超えたため止めました。"
            "条件を絞るか、集計してから表示してください。",
            f"The query ran longer than the limit ({time_limit_s:g} s) and was stopped.",
            "timeout", detail,
        )
    if isinstance(exc, duckdb.PermissionException):
        return UserQueryError(
            "ファイルや外部へのアクセスは許可されていません。公開済みのテーブルだけを使ってください。",
            "Files and external access are not allowed; use the published tables only.",
            "permission", detail,
        )
    if isinstance(exc, duckdb.CatalogException):
        return UserQueryError(
            "テーブルまたは列が見つかりません。右のスキーマ一覧で名前を確認してください。",
            "A table or column was not found; check the names in the schema list on the right.",
            "catalog", detail,
        )
    if isinstance(exc, duckdb.BinderException):
        return UserQueryError(
            "列名や関数の使い方に誤りがあります。列名と GROUP BY を確認してください。",
            "A column or function is used wrongly; check column names and GROUP BY.",
            "binder", detail,
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        return UserQueryError(
            "結果が大きすぎてメモリが足りません。条件を絞るか集計してください。",
            "The query needs too much memory; filter or aggregate first.", "memory", detail,
        )
    if isinstance(exc, duckdb.ParserException):
        return UserQueryError(
            "SQL の書き方に誤りがあります。エラーの位置の前後を確認してください。",
            "The SQL has a syntax error.", "syntax", detail,
        )
    if isinstance(exc, (duckdb.InvalidInputException, duckdb.NotImplementedException)):
        return UserQueryError(
            "この操作はこの画面では実行できません。SELECT 文でデータを読むだけにしてください。",
            "This operation is not allowed here.", "refused", detail,
        )
    return UserQueryError(
        "SQL を実行できませんでした。内容を確認してください。",
        "The SQL could not be run; check it.", "error", detail,
    )


def run_user_sql(
    cursor: duckdb.DuckDBPyConnection,
    sql: str,
    time_limit_s: float | None = None,
    row_cap: int | None = None,
) -> QueryResult:
    """Check and run trainee SQL on a cursor of the published database."""
    time_limit_s = settings.USER_SQL_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    row_cap = settings.USER_SQL_ROW_CAP if row_cap is None else row_cap
    query = check_user_sql(sql)
    # The cap is applied inside the database, so a huge result is never built.
    capped = f"SELECT * FROM (\n{query}\n) AS user_query LIMIT {int(row_cap) + 1}"
    check_user_sql(capped)
    timer = threading.Timer(time_limit_s, cursor.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        frame = cursor.execute(capped).df()
    except duckdb.Error as exc:
        raise _explain(exc, time_limit_s) from exc
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - started
    truncated = len(frame) > row_cap
    return QueryResult(frame.head(row_cap), truncated, elapsed, row_cap)
