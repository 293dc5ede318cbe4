"""The workspace's two backends for tests: SQLite in a temporary folder, PostgreSQL in a schema of its own.

PostgreSQL is the server at WORKBENCH_TEST_POSTGRES_URL (default: the local one, trust
auth, database `test`). Its tests skip when it cannot be reached, except under CI
(CI=true), where a missing PostgreSQL fails them.
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import psycopg
import pytest

POSTGRES_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _postgres_or_skip() -> psycopg.Connection:
    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable ({exc.__class__.__name__}); under CI this fails")


def workspace_url(kind: str, tmp_path):
    """Yield a WORKBENCH_WORKSPACE_URL of a fresh, empty workspace of backend `kind`."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
        return
    admin = _postgres_or_skip()
    schema = f"ws_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()
