"""Free-text answers of the citizen survey, assembled from natural Japanese sentences.

Each topic belongs to one survey item; a respondent writes about the services they rated low
(and sometimes praises one they rated high). Where someone lives changes what they write:
坂道 in the hillside estates, flooding by the river, 保育園 in the new town.
"""
from __future__ import annotations

import numpy as np

# topic → (survey item it belongs to, complaint sentences, praise sentences)
TOPICS = {
    "bus": ("公共交通", [
        "バスの本数が少なく、通院に困っています。",
        "駅までのバスが一時間に一本しかなく不便です。",
        "夜遅くのバスがないので、帰りはタクシーを使うしかありません。",
        "免許を返納したいのですが、バスが少ないのでためらっています。",
        "コミュニティバスの路線を増やしてほしいです。",
        "バス停まで遠く、雨の日は大変です。",
        "土日のバスが減って、出かけにくくなりました。",
    ], [
        "駅が近く、電車やバスで出かけやすいです。",
        "コミュニティバスができて助かっています。",
    ]),
    "slope": ("公共交通", [
        "坂道が多いので高齢者には大変です。",
        "団地の坂道がきつく、買い物帰りに休む場所がほしいです。",
        "坂道に手すりやベンチがあると助かります。",
        "冬は坂道が凍って危ないです。",
        "坂道のせいで、自転車も使えません。",
    ], []),
    "shopping": ("買い物", [
        "近くのスーパーが閉店し、買い物が不便になりました。",
        "移動販売車が来てくれると助かります。",
        "買い物できる店が近くになく、ネットスーパーに頼っています。",
        "駅前の商店街に元気がなくなってさびしいです。",
        "重い荷物を持って歩くのがつらく、買い物に困っています。",
    ], [
        "駅前にお店が多く、買い物は便利です。",
    ]),
    "childcare": ("子育て支援", [
        "保育園に入れず、仕事に復帰できませんでした。",
        "保育園の数を増やしてほしいです。",
        "学童保育の定員が足りないと聞いて不安です。",
        "保育園の送り迎えが大変なので、駅の近くに保育園がほしいです。",
        "子どもが増えているのに、保育園や小学校が足りていないと感じます。",
        "待機児童の解消を急いでください。",
    ], [
        "子育て支援センターのスタッフが親切で助かっています。",
        "子どもの医療費助成があって助かります。",
    ]),
    "disaster": ("防災", [
        "大雨のたびに川があふれないか心配です。",
        "避難所がどこか分かりにくいので、案内板を増やしてほしいです。",
        "避難所まで遠く、高齢の親を連れて行けるか不安です。",
        "ハザードマップを見て、自宅が浸水想定区域に入っていて驚きました。",
        "防災無線が聞き取りにくいです。",
        "みどり川の堤防の点検をしっかりしてほしいです。",
    ], [
        "地域の防災訓練に参加して安心しました。",
    ]),
    "medical": ("医療", [
        "夜間や休日に診てもらえる病院が少ないです。",
        "市民病院の待ち時間が長いです。",
        "近所に小児科がなく困っています。",
        "通院の足がなく、病院に行くのが大変です。",
    ], [
        "かかりつけのお医者さんが近くにいて安心です。",
    ]),
    "care": ("介護福祉", [
        "親の介護について相談できる窓口をもっと知りたいです。",
        "介護施設が足りないと聞き、将来が不安です。",
        "ヘルパーさんの人手不足を感じます。",
        "一人暮らしなので、将来の介護が心配です。",
    ], [
        "通いの場の体操に参加して、友人が増えました。",
        "サロンに通うのが楽しみです。",
        "地域包括支援センターに相談して助かりました。",
    ]),
    "roads": ("道路", [
        "歩道が狭く、子どもの通学が心配です。",
        "道路の段差が多く、車いすでは通りにくいです。",
        "街灯が少なく、夜道が暗いです。",
        "朝夕の渋滞がひどいです。",
    ], [
        "道路が広くて歩きやすいです。",
    ]),
    "parks": ("公園緑地", [
        "公園の草刈りをもう少し頻繁にしてほしいです。",
        "近くに子どもが遊べる公園がありません。",
    ], [
        "公園がきれいで子どもを遊ばせやすいです。",
        "緑が多く、住みやすいまちだと思います。",
    ]),
    "community": ("地域のつながり", [
        "自治会の役員のなり手がいません。",
        "近所付き合いが少なく、一人暮らしの高齢者が心配です。",
        "引っ越してきたばかりで、地域に知り合いがいません。",
    ], [
        "地域の祭りが楽しみです。",
        "近所の方が声をかけてくれて心強いです。",
    ]),
    "counter": ("行政窓口", [
        "市役所の手続きをオンラインでできるようにしてほしいです。",
        "市役所が遠いので、支所で手続きできると助かります。",
        "窓口の待ち時間が長いです。",
    ], [
        "窓口の職員の対応が丁寧でした。",
    ]),
}
CLOSINGS = ["よろしくお願いします。", "改善を期待しています。", "今後も住み続けたいと思っています。",
            "市の取り組みに期待しています。", "アンケートの結果を公表してください。"]

DISTRICT_TOPIC_BOOST = {
    "丘陵地区": {"slope": 4.0, "bus": 1.6, "shopping": 1.6},
    "ニュータウン地区": {"childcare": 3.0, "community": 1.5},
    "川沿い地区": {"disaster": 3.0},
    "南部地区": {"bus": 1.3, "shopping": 1.3},
    "北部地区": {"bus": 1.2},
    "中央地区": {"counter": 1.3},
}


def write_comment(rng: np.random.Generator, sat: dict[str, float], district: str, age_idx: int) -> str:
    """One comment for a respondent; sat maps item suffix → answer (NaN if none)."""
    names = list(TOPICS)
    weights = []
    for t in names:
        item = TOPICS[t][0]
        v = sat.get(item, np.nan)
        w = np.exp(0.8 * (3.0 - v)) if v == v else 1.0
        w *= DISTRICT_TOPIC_BOOST.get(district, {}).get(t, 1.0)
        if t == "slope" and district != "丘陵地区":
            w *= 0.08
        if t == "childcare":
            w *= 2.0 if 1 <= age_idx <= 2 else (0.3 if age_idx >= 4 else 1.0)
        if t in ("care", "medical"):
            w *= 1.8 if age_idx >= 4 else 0.7
        weights.append(w)
    weights = np.array(weights) / np.sum(weights)
    n_topics = int(rng.choice([1, 2, 3], p=[0.5, 0.37, 0.13]))
    topics = rng.choice(len(names), size=n_topics, replace=False, p=weights)
    sentences = []
    for k in topics:
        item, bad, good = TOPICS[names[k]]
        v = sat.get(item, np.nan)
        pool = good if (good and v == v and v >= 4 and rng.random() < 0.8) else bad
        if not pool:
            pool = bad
        sentences.append(pool[int(rng.integers(len(pool)))])
    if rng.random() < 0.3:
        sentences.append(CLOSINGS[int(rng.integers(len(CLOSINGS)))])
    return "".join(dict.fromkeys(sentences))
