"""Plotly's toolbar speaks Japanese: the locale travels in the configuration st.plotly_chart hands plotly.js."""
from __future__ import annotations

import json

from lib.charts.plotly_config import japanese_dictionary, plotly_config


def test_japanese_config_names_the_locale_and_carries_its_words():
    config = plotly_config("ja")
    assert config["locale"] == "ja"
    words = config["locales"]["ja"]["dictionary"]
    for english in ["Zoom", "Pan", "Zoom in", "Zoom out", "Autoscale", "Reset axes", "Download plot as a PNG",
                    "Box Select", "Lasso Select", "Double-click to zoom back out"]:
        assert words[english] and all(ord(ch) > 0x3000 or ch in "（）PNG" for ch in words[english]), english
    assert config["displaylogo"] is False  # the logo is a link off the machine
    json.dumps(config)  # Streamlit sends it as JSON


def test_english_uses_plotlys_own_words():
    assert "locale" not in plotly_config("en")
    assert set(japanese_dictionary()) >= {"Zoom", "Pan"}
