"""Class breaks come from mapclassify; labels carry units; colours run light to dark."""
from __future__ import annotations

import mapclassify
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from lib.maps.classify import classify_values, ramp

VALUES = np.array([1, 2, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144], dtype=float)


@pytest.mark.parametrize("method, classifier", [
    ("quantiles", mapclassify.Quantiles), ("equal_interval", mapclassify.EqualInterval),
    ("natural_breaks", mapclassify.FisherJenks),
])
def test_breaks_match_mapclassify(method, classifier):
    result = classify_values(VALUES, method, 4)
    expected = [float(b) for b in classifier(VALUES, k=4).bins]
    assert result.bins == list(dict.fromkeys(expected))
    assert len(result.colours) == len(result.labels) == len(result.bins)
    if method == "natural_breaks":
        return  # mapclassify's own Fisher-Jenks; the two others are computed without importing it
    # Rates, counts with ties and skewed values, in every class count a map offers.
    rng = np.random.default_rng(20181)
    for values in (rng.normal(30, 8, 46).round(1), rng.integers(0, 12, 300).astype(float), rng.lognormal(3, 1, 700)):
        for k in range(2, 10):
            expected = [float(b) for b in classifier(values, k=k).bins]
            assert classify_values(values, method, k).bins == pytest.approx(list(dict.fromkeys(expected)), rel=1e-12)


def test_every_value_falls_in_a_class_and_missing_values_in_none():
    result = classify_values(VALUES, "quantiles", 5)
    classes = [result.class_of(v) for v in VALUES]
    assert classes == sorted(classes)
    assert classes[0] == 0 and classes[-1] == len(result.bins) - 1
    assert result.class_of(float("nan")) is None


def test_user_breaks_close_with_the_maximum_and_labels_have_units():
    result = classify_values(VALUES, "user", breaks=[10, 50], unit="%")
    assert result.bins == [10.0, 50.0, 144.0]
    assert result.labels[0] == "1～10 %"
    assert result.labels[-1] == "50～144 %"
    assert result.class_of(10) == 0 and result.class_of(10.5) == 1


def test_fewer_distinct_values_than_classes_gives_fewer_classes():
    result = classify_values([3, 3, 7, 7, 7], "quantiles", 5)
    assert result.bins == [3.0, 7.0]


def test_english_labels_use_a_dash():
    assert classify_values(VALUES, "equal_interval", 2, lang="en").labels[0].count("–") == 1


@pytest.mark.parametrize("palette", ["YlGnBu", "viridis", "OrRd", "PuBu"])
def test_ramps_get_darker_with_larger_values(palette):
    colours = ramp(palette, 5)
    lightness = [sum(to_rgb(c)) for c in colours]
    assert lightness == sorted(lightness, reverse=True)
