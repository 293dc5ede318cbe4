"""folium and the libraries around it are imported by one thread at a time (lib.maps.folium_import)."""
from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

CIRCULAR = {"folium", "branca", "offlinefolium"}

# As on a fresh server: app.py has imported lib.ui; then the database build and several sessions' first page runs
# import maps at the same moment.
AT_ONCE = """
import sys, threading
import lib.ui
assert "folium" not in sys.modules, "lib.ui imports folium: the home page would wait for it"
modules = ["lib.maps.offline", "lib.maps.preview", "lib.ui.folium_view", "lib.maps.render", "lib.ui.map_view"]
start, errors = threading.Barrier(len(modules)), []
def load(name):
    start.wait()
    try:
        __import__(name)
    except Exception as exc:
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
threads = [threading.Thread(target=load, args=(name,)) for name in modules]
[thread.start() for thread in threads]
[thread.join() for thread in threads]
print(errors)
"""


def _imported(path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body if top_level_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_but_folium_import_imports_folium_itself():
    """A module importing folium beside lib.maps.folium_import would not wait for it, and could meet folium
    half-imported ("cannot import name 'ENV' from 'branca.element')."""
    sources = [*ROOT.glob("lib/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    importers = sorted(str(p.relative_to(ROOT)) for p in sources if _imported(p) & CIRCULAR)
    assert importers == ["lib/maps/folium_import.py"]


def test_streamlit_folium_is_imported_only_when_a_page_draws_a_map():
    """streamlit-folium registers its component only when imported in a page's run: imported at the top of a
    module that the database build's thread imports first, no map of that server would ever load."""
    sources = [*ROOT.glob("lib/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    assert sorted(str(p.relative_to(ROOT)) for p in sources if "streamlit_folium" in _imported(p)) == \
        ["lib/ui/folium_view.py"]
    assert "streamlit_folium" not in _imported(ROOT / "lib" / "ui" / "folium_view.py", top_level_only=True)


def test_maps_imported_by_several_threads_at_once_all_load():
    out = subprocess.run([sys.executable, "-c", AT_ONCE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1:] == ["[]"], out.stdout + out.stderr
