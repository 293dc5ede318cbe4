"""Survey analysis: Likert shares and diverging bars, and offline Japanese word counts."""
from __future__ import annotations

import pandas as pd
import pytest

from lib.charts import survey
from lib.data.catalog import load_catalog
from lib.data.query import Filter, fetch_columns

CATALOG = load_catalog()
SCALE = {1: "不満", 2: "やや不満", 3: "どちらともいえない", 4: "やや満足", 5: "満足"}


def test_likert_shares_exclude_no_answer():
    frame = pd.DataFrame({"q": [1, 2, 2, 5, None, None], "r": [5, 5, 4, 4, 3, 1]})
    shares = survey.likert_shares(frame, ["q", "r"], [1, 2, 3, 4, 5], threshold=1)  # no small-cell rule here
    q = shares[shares["item"] == "q"].set_index("level")
    assert q.loc[2, "share"] == 50.0 and q.loc[2, "answered"] == 4 and q.loc[2, "no_answer"] == 2
    assert shares.groupby("item")["share"].sum().to_numpy() == pytest.approx(100.0)
    net = survey.net_agreement(shares, [1, 2, 3, 4, 5])
    assert net["r"] > net["q"]


def test_diverging_bars_centre_the_neutral_answer():
    frame = pd.DataFrame({"good": [5, 5, 4, 3], "bad": [1, 1, 2, 3]})
    shares = survey.likert_shares(frame, ["good", "bad"], list(SCALE), threshold=1)  # four answers, none hidden
    chart = survey.diverging_likert_chart(shares, {"good": "良い設問", "bad": "悪い設問"}, SCALE)
    assert chart.categories == ["良い設問", "悪い設問"] and chart.first_on_top  # best rated first (top)
    neutral = [s for s in chart.series if s.name == "どちらともいえない"]
    assert len(neutral) == 2
    assert neutral[0].values[0] == pytest.approx(-neutral[1].values[0])  # split across zero
    negative = [s for s in chart.series if s.name in {"不満", "やや不満"}]
    assert all(v <= 0 for s in negative for v in s.values)
    assert chart.stacked
    assert sum(1 for s in chart.series if s.in_legend) == 5


def test_nouns_only_without_stop_words():
    words = survey.nouns("バスの本数が少なくて、坂道を歩くのが大変です。私は病院に行くのも困ります。")
    assert "バス" in words and "坂道" in words and "病院" in words
    assert "私" not in words and "大変" not in words and "本数" in words
    assert survey.nouns(None) == [] and survey.nouns("   ") == []


def test_word_frequencies_rank_by_count():
    freq = survey.word_frequencies(["バスが少ない", "バスの便が悪い。駅が遠い", "駅前の公園"])
    assert freq.iloc[0]["word"] == "バス" and freq.iloc[0]["count"] == 2 and freq.iloc[0]["rank"] == 1
    assert set(freq["word"]) >= {"駅", "公園"}
    assert survey.word_frequencies([]).empty


def test_hillside_comments_mention_bus_and_slopes_more(published):
    """Filter by respondent group, as the survey page does: 丘陵地区 vs the rest."""
    def share(op):
        texts = fetch_columns(published, CATALOG, "survey", ["comment"],
                              [Filter("district", op, ["丘陵地区"])])["comment"].dropna()
        freq = survey.word_frequencies(texts, top=1000).set_index("word")
        mentions = freq["answers"].reindex(["バス", "坂道"]).fillna(0).max()
        return mentions / len(texts), freq

    hill, hill_freq = share("in")
    others, _ = share("not_in")
    assert hill > 2 * others
    assert "バス" in hill_freq.index[:10] or "坂道" in hill_freq.index[:10]


def test_the_demo_survey_is_found_by_its_roles():
    ds = CATALOG["survey"]
    assert len(survey.likert_items(ds)) == 20 and survey.text_columns(ds) == ["comment"]
