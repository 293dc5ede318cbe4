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
import plotly.graph_objects as go
from janome.tokenizer import Tokenizer

from lib.analysis import disclosure
from lib.charts.style import FONT, LIKERT_COLOURS, OKABE_ITO
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


def diverging_likert_figure(shares: pd.DataFrame, item_labels: dict[str, str], scale: dict[int, str],
                            lang: str = "ja", title: str = "") -> go.Figure:
    """Several Likert items at once, centred on the neutral answer, best-rated item at the top.
    A share hidden by the small-cell rule is no bar (not a bar of 0 %)."""
    levels = sorted(scale)
    order = likert_order(shares, levels)
    middle_index = (len(levels) - 1) / 2
    fig = go.Figure()
    labels = [item_labels.get(i, i) for i in order]
    colours = LIKERT_COLOURS if len(levels) == 5 else None
    by_level = {lv: shares[shares["level"] == lv].set_index("item")["share"].reindex(order) for lv in levels}
    # Negative side is drawn from the centre outwards: neutral half first, then 2, then 1.
    negative = [lv for i, lv in enumerate(levels) if i <= middle_index][::-1]
    positive = [lv for i, lv in enumerate(levels) if i >= middle_index]
    for side, group in (("neg", negative), ("pos", positive)):
        for lv in group:
            i = levels.index(lv)
            share = by_level[lv] / (2 if i == middle_index else 1)
            x = -share if side == "neg" else share
            fig.add_trace(go.Bar(
                y=labels, x=x, orientation="h", name=scale[lv], legendgroup=str(lv),
                showlegend=not (i == middle_index and side == "neg"),
                marker_color=colours[i] if colours else None,
                customdata=by_level[lv].round(1), hovertemplate="%{y}: %{customdata}%<extra>" + scale[lv] + "</extra>",
            ))
    fig.update_layout(
        barmode="relative", template="plotly_white", font=dict(family=FONT, size=14),
        title=dict(text=title or t("survey.likert_title", lang), x=0.01),
        legend=dict(orientation="h", y=-0.15, traceorder="normal"),
        height=max(360, 42 * len(order) + 180), margin=dict(l=60, r=30, t=70, b=80),
    )
    fig.update_xaxes(range=[-100, 100], tickvals=[-100, -50, 0, 50, 100],
                     ticktext=["100%", "50%", "0", "50%", "100%"], zeroline=True, zerolinewidth=2,
                     zerolinecolor="#444", title_text=t("survey.share_axis", lang))
    fig.update_yaxes(autorange="reversed", automargin=True, title_text=t("survey.item_axis", lang))
    # Legend in scale order regardless of drawing order.
    for rank, lv in enumerate(levels):
        fig.update_traces(selector=dict(name=scale[lv]), legendrank=rank)
    return fig


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


def word_frequency_figure(freq: pd.DataFrame, lang: str = "ja", title: str = "") -> go.Figure:
    fig = go.Figure(go.Bar(x=freq["count"], y=freq["word"], orientation="h", marker_color=OKABE_ITO[0],
                           text=freq["count"], textposition="outside"))
    fig.update_layout(template="plotly_white", font=dict(family=FONT, size=14),
                      title=dict(text=title or t("survey.words_title", lang), x=0.01),
                      height=max(360, 24 * len(freq) + 140), margin=dict(l=60, r=30, t=70, b=50))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True, title_text=t("survey.word_axis", lang))
    fig.update_xaxes(title_text=t("survey.word_count", lang))
    return fig


def weighted_shares_figure(shares: pd.DataFrame, item_labels: dict[str, str], scales: dict[str, dict[int, str]],
                           lang: str = "ja") -> go.Figure:
    """Each answer's share before and after weighting (lib.analysis.survey_weighting.weighted_shares,
    hidden rows dropped), as two dots with their 95 % intervals, one row per question and answer."""
    shown = shares.dropna(subset=["share", "w_share"])
    labels = [f"{item_labels.get(i, i)}：{scales.get(i, {}).get(lv, lv)}"
              for i, lv in zip(shown["item"], shown["level"], strict=True)]
    fig = go.Figure()
    for key, (share, low, high), colour, symbol in (
            ("unweighted", ("share", "low", "high"), OKABE_ITO[1], "circle-open"),
            ("weighted", ("w_share", "w_low", "w_high"), OKABE_ITO[0], "diamond")):
        name = t(f"weighting.trace.{key}", lang)
        fig.add_trace(go.Scatter(
            x=shown[share], y=labels, mode="markers", name=name, marker=dict(color=colour, size=10, symbol=symbol),
            error_x=dict(type="data", array=shown[high] - shown[share], arrayminus=shown[share] - shown[low],
                         color=colour, thickness=1.5, width=4),
            hovertemplate="%{y}: %{x:.1f}%<extra>" + name + "</extra>"))
    fig.update_layout(template="plotly_white", font=dict(family=FONT, size=14),
                      title=dict(text=t("weighting.figure_title", lang), x=0.01),
                      legend=dict(orientation="h", y=-0.12), height=max(360, 26 * len(shown) + 180),
                      margin=dict(l=60, r=30, t=70, b=80))
    fig.update_xaxes(rangemode="tozero", title_text=t("weighting.share_axis", lang))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True,
                     title_text=t("weighting.answer_axis", lang))
    return fig
