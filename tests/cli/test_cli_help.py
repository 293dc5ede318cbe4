"""`python -m lib.cli --help` answers at once: the parser loads no command's machinery."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["pandas", "duckdb", "geopandas", "mapclassify", "folium", "matplotlib", "pptx", "lib.deck", "lib.maps.data"]


def test_help_lists_every_command_without_loading_their_libraries():
    probe = ("import sys\nfrom lib.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print('loaded:', [m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for command in ("set-passcode", "import", "prep", "export", "setup-city", "base-layer", "tile-pack", "backup",
                    "restore", "migrate-workspace", "prepare"):
        assert command in done.stdout
    assert "loaded: []" in done.stdout


def test_each_command_names_a_function_that_exists():
    import importlib

    from lib.cli import _parser

    commands = next(a for a in _parser()._actions if a.dest == "command").choices
    for name, sub in commands.items():
        module, function = sub.get_default("run").split(":")
        assert callable(getattr(importlib.import_module(f"lib.cli.{module}"), function)), name


def test_base_layer_kinds_are_the_map_layers_kinds():
    from lib.cli import BASE_LAYER_KINDS
    from lib.maps.base_layers import KINDS

    assert BASE_LAYER_KINDS == KINDS
