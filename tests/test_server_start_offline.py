"""Starting the server reaches nothing beyond the machine (no external-IP lookup, no DNS query).

Streamlit, when it prints its URLs at start in headless mode, asks checkip.amazonaws.com for the
machine's external address unless `browser.serverAddress` is set (.streamlit/config.toml). The server
runs here with an audit hook that records every name lookup and connection it makes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.browser.conftest import _free_port

ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "", None}

RECORDER = '''
import json, os, sys

def _record(event, args):
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.connect"):
        host = args[0] if event != "socket.connect" else args[1]
        if isinstance(host, tuple):
            host = host[0]
        with open(os.environ["RECORD_LOOKUPS"], "a") as out:
            out.write(json.dumps([event, host if isinstance(host, (str, type(None))) else repr(host)]) + "\\n")

sys.addaudithook(_record)
'''


def test_server_start_makes_no_request_beyond_the_machine(tmp_path):
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(RECORDER)
    (tmp_path / "app.py").write_text("import streamlit as st\nst.write('ok')\n")
    record = tmp_path / "lookups.jsonl"
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(ROOT)]),
           "RECORD_LOOKUPS": str(record)}
    # Run from the project folder so that its .streamlit/config.toml applies, as with `streamlit run app.py`.
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(tmp_path / "app.py"),
                                "--server.port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        time.sleep(3)  # the URLs are printed (and the external IP looked up) once the server listens
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode(errors="replace")
    assert "URL" in output, output
    events = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    outside = [event for event in events if event[1] not in LOCAL_HOSTS]
    assert outside == [], outside
    assert "External URL" not in output
