"""folium and the libraries around it (branca, folium-offline), imported by one thread at a time.

On a fresh server several sessions' first page runs, and the database build, import maps at once; folium's
circular imports (branca.colormap and branca.element) then fail half-initialised in one of them ("cannot import
name 'ENV' from 'branca.element'") and its page shows 「This app has encountered an error」. Every module of the
app takes these libraries from here: a second thread waits for this module (Python locks a module while it is
imported) instead of importing them beside the first. The home page imports none of them (0.2 s of a first start).

streamlit-folium is not here: it registers its component only when imported in a page's run, and the database
build's thread imports this module too (lib.ui.folium_view imports it when a page first draws a map).
"""
from __future__ import annotations

import branca
import folium
import offlinefolium.elements
from branca.element import Element, MacroElement, Template
from folium import plugins
from folium.elements import JSCSSMixin

__all__ = ["Element", "JSCSSMixin", "MacroElement", "Template", "branca", "folium", "offlinefolium", "plugins"]
