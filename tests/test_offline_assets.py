"""The map assets under static/vendor/ are replaced whole: another process may be serving them meanwhile."""
from __future__ import annotations

from lib.maps.offline import FONT_AWESOME_DIR, install_static_assets


def test_a_file_being_served_keeps_its_whole_content_while_the_assets_are_rewritten(tmp_path):
    vendor = install_static_assets(tmp_path / "vendor")
    leaflet = vendor / "leaflet" / "leaflet.js"
    current = leaflet.read_bytes()
    leaflet.write_bytes(b"/* older */" + current)
    with open(leaflet, "rb") as served:  # a server (another worker, a test process) sending the older file
        install_static_assets(vendor)
        assert served.read() == b"/* older */" + current
    assert leaflet.read_bytes() == current
    assert [path.name for path in vendor.rglob("*.partial")] == []


def test_every_font_awesome_file_is_installed(tmp_path):
    vendor = install_static_assets(tmp_path / "vendor")
    for folder in ("css", "webfonts"):
        assert sorted(p.name for p in (vendor / "fontawesome" / folder).iterdir()) == \
            sorted(p.name for p in (FONT_AWESOME_DIR / folder).iterdir())
