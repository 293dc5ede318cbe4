"""Survey analysis: Likert items as diverging stacked bars, free text as ranked nouns.

Likert answers 1–5 are shown centred on the neutral answer: disagreement to the
left, agreement to the right, the neutral share split across zero, so items can
be compared at a glance. Free text is tokenized with janome (pure Python, its
dictionary ships in the wheel: works offline) and only nouns are counted.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pandas as pd
from janome.tokenizer import Tokenizer

from lib.analysis import disclosure
from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
from lib.charts.style import OKABE_ITO, colour
from lib.data.catalog import Dataset
from lib.i18n import t

# Nouns that carry no meaning in survey comments.
STOP_WORDS = frozenset("""
こと もの ところ とき 時 ため よう ほう 方 人 人たち 皆 みんな 自分 私 わたし 僕 これ それ あれ どれ ここ そこ
あそこ 今 今後 以前 最近 現在 毎日 以上 以下 場合 感じ 気 点 件 等 など 的 化 性 中 前 後 上 下 内 外 他 ほか
さん 様 ん の 事 物 今回 前回 意見 お願い 市 みどり野市 本市 市内 全体 部分 それぞれ 一つ 一部 多く 少し 毎回
何 なに 何か いろいろ 色々 問題 必要 大変 十分 非常 特 特に 本当 そう こう ああ どう 年 月 日 回
""".split())


def likert_items(ds: Dataset) -> list[str]:
    return [c.name for c in ds.columns if c.role == "likert"]


def text_columns(ds: Dataset) -> list[str]:
    return [c.name for c in ds.columns if c.role == "text"]


def likert_shares(frame: pd.DataFrame, items: list[str], levels: list[int],
                  threshold: int | None = None) -> pd.DataFrame:
    """Per item and answer level: count and % of those who answered (no answer excluded).

    The small-cell rule applies: a level answered by 1 … MIN_CELL-1 respondents is blank, and so
    is the next smallest level of the same item (the item's total is shown); an item answered by
    fewer than MIN_CELL respondents, and its no-answer count, are blank altogether."""
    rows = []
    for item in items:
        answers = pd.to_numeric(frame[item], errors="coerce").dropna().round().astype(int)
        counts = answers.value_counts()
        answered = int(counts.reindex(levels, fill_value=0).sum())
        for level in levels:
            count = int(counts.get(level, 0))
            rows.append({"item": item, "level": level, "count": count,
                         "share": 100.0 * count / answered if answered else 0.0, "answered": answered,
                         "no_answer": int(frame[item].isna().sum())})
    shares = pd.DataFrame(rows)
    if shares.empty:
        return shares
    hidden = pd.concat([
        disclosure.suppression_mask(group, [], group["count"], threshold,
                                    also_hidden=disclosure.is_small(group["answered"], threshold))
        for _, group in shares.groupby("item", sort=False)])
    few_respondents = disclosure.is_small(shares["answered"], threshold) | \
        disclosure.is_small(shares["no_answer"], threshold)
    out = disclosure.hide(shares, hidden, ["item", "level"])
    out.loc[few_respondents, ["answered", "no_answer"]] = float("nan")
    return out


def net_agreement(shares: pd.DataFrame, levels: list[int]) -> pd.Series:
    """% positive (top levels) minus % negative (bottom levels), per item."""
    middle = (len(levels) - 1) / 2
    sign = {lv: (1 if i > middle else -1 if i < middle else 0) for i, lv in enumerate(levels)}
    signed = shares.assign(signed=shares["share"] * shares["level"].map(sign))
    return signed.groupby("item", sort=False)["signed"].sum()


def likert_order(shares: pd.DataFrame, levels: list[int]) -> list[str]:
    """The items best-rated first (by net agreement): the order of the bars in every drawing."""
    return net_agreement(shares, levels).sort_values(ascending=False, kind="stable").index.tolist()


def _survey_look(legend: dict | None = None) -> dict:
    """The app's look of the survey charts (Plotly alone): room below for a legend where there is one."""
    look = {"template": "plotly_white", "font": {"size": 14}, "title": {"x": 0.01}, "yaxis": {"automargin": True},
            "margin": {"l": 60, "r": 30, "t": 70, "b": 80 if legend else 50}}
    return look | ({"legend": legend} if legend else {})


def diverging_likert_chart(shares: pd.DataFrame, item_labels: dict[str, str], scale: dict[int, str],
                           lang: str = "ja", title: str = "") -> AnalysisChart:
    """Several Likert items at once, centred on the neutral answer, best-rated item at the top.
    A share hidden by the small-cell rule is no bar (not a bar of 0 %)."""
    levels = sorted(scale)
    order = likert_order(shares, levels)
    middle_index = (len(levels) - 1) / 2
    by_level = {lv: shares[shares["level"] == lv].set_index("item")["share"].reindex(order) for lv in levels}
    # Negative side is drawn from the centre outwards: neutral half first, then 2, then 1.
    negative = [lv for i, lv in enumerate(levels) if i <= middle_index][::-1]
    positive = [lv for i, lv in enumerate(levels) if i >= middle_index]
    series = []
    for side, group in (("neg", negative), ("pos", positive)):
        for lv in group:
            i = levels.index(lv)
            share = by_level[lv] / (2 if i == middle_index else 1)
            series.append(AnalysisSeries(
                scale[lv], (-share if side == "neg" else share).tolist(), colour(i, len(levels)),
                unsigned=by_level[lv].round(1).tolist(), in_legend=not (i == middle_index and side == "neg"),
                group=str(lv)))
    look = _survey_look({"orientation": "h", "y": -0.15, "traceorder": "normal"})
    look["xaxis"] = {"zeroline": True, "zerolinewidth": 2, "zerolinecolor": "#444"}
    return AnalysisChart(
        "bar", [item_labels.get(i, i) for i in order], series, title or t("survey.likert_title", lang),
        t("survey.item_axis", lang), t("survey.share_axis", lang), sideways=True, first_on_top=True, stacked=True,
        value_ticks=[(-100, "100%"), (-50, "50%"), (0, "0"), (50, "50%"), (100, "100%")], value_range=(-100, 100),
        legend_order=[scale[lv] for lv in levels], hover_format="", unit="%",
        height=max(360, 42 * len(order) + 180), plotly_layout=look)


@lru_cache(maxsize=1)
def _tokenizer():
    return Tokenizer()


def nouns(text: str, stop_words: frozenset = STOP_WORDS) -> list[str]:
    """The meaningful nouns of one answer (no pronouns, numbers, suffixes or stop words)."""
    if not isinstance(text, str) or not text.strip():
        return []
    words = []
    for token in _tokenizer().tokenize(text):
        parts = token.part_of_speech.split(",")
        if parts[0] != "名詞" or parts[1] in {"代名詞", "数", "非自立", "接尾", "副詞可能"}:
            continue
        word = token.base_form if token.base_form != "*" else token.surface
        if word in stop_words or len(word) < 2 and not ("\u4e00" <= word <= "\u9fff"):
            continue
        words.append(word)
    return words


def answer_nouns(texts, stop_words: frozenset = STOP_WORDS) -> dict[str, tuple[str, ...]]:
    """The nouns of each distinct answer: tokenizing is the slow part, done once per published column."""
    return {text: tuple(nouns(text, stop_words)) for text in dict.fromkeys(texts)}


def word_frequencies(texts, stop_words: frozenset = STOP_WORDS, top: int = 50,
                     nouns_of: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Nouns ranked by how often they occur, with how many answers mention each.

    `nouns_of` (from `answer_nouns`) saves tokenizing answers again; an answer
    missing from it is tokenized here.
    """
    occurrences: Counter = Counter()
    answers: Counter = Counter()
    for text in texts:
        found = nouns_of[text] if nouns_of is not None and text in nouns_of else nouns(text, stop_words)
        occurrences.update(found)
        answers.update(set(found))
    rows = [{"word": w, "count": c, "answers": answers[w]} for w, c in occurrences.most_common()]
    frame = pd.DataFrame(rows, columns=["word", "count", "answers"])
    frame = frame.sort_values(["count", "answers", "word"], ascending=[False, False, True], kind="stable")
    frame = frame.head(top).reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def word_frequency_chart(freq: pd.DataFrame, lang: str = "ja", title: str = "") -> AnalysisChart:
    counts = AnalysisSeries("", freq["count"].tolist(), OKABE_ITO[0], value_labels=True)
    return AnalysisChart("bar", [str(w) for w in freq["word"]], [counts], title or t("survey.words_title", lang),
                         t("survey.word_axis", lang), t("survey.word_count", lang), sideways=True, first_on_top=True,
                         height=max(360, 24 * len(freq) + 140), plotly_layout=_survey_look())


def weighted_shares_chart(shares: pd.DataFrame, item_labels: dict[str, str], scales: dict[str, dict[int, str]],
                          lang: str = "ja") -> AnalysisChart:
    """Each answer's share before and after weighting (lib.analysis.survey_weighting.weighted_shares,
    hidden rows dropped), as two dots with their 95 % intervals, one row per question and answer."""
    shown = shares.dropna(subset=["share", "w_share"])
    labels = [f"{item_labels.get(i, i)}：{scales.get(i, {}).get(lv, lv)}"
              for i, lv in zip(shown["item"], shown["level"], strict=True)]
    series = [AnalysisSeries(t(f"weighting.trace.{key}", lang), shown[share].tolist(), dot_colour,
                             whiskers=((shown[share] - shown[low]).tolist(), (shown[high] - shown[share]).tolist()),
                             symbol=symbol)
              for key, (share, low, high), dot_colour, symbol in (
                  ("unweighted", ("share", "low", "high"), OKABE_ITO[1], "circle-open"),
                  ("weighted", ("w_share", "w_low", "w_high"), OKABE_ITO[0], "diamond"))]
    return AnalysisChart("dots", labels, series, t("weighting.figure_title", lang), t("weighting.answer_axis", lang),
                         t("weighting.share_axis", lang), sideways=True, first_on_top=True, from_zero=True,
                         hover_format=".1f", unit="%", height=max(360, 26 * len(shown) + 180),
                         plotly_layout=_survey_look({"orientation": "h", "y": -0.12}))
