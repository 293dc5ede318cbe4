"""The logic model (activities → outputs → outcomes) drawn as a Graphviz diagram."""
from __future__ import annotations

from itertools import pairwise

PARTS = ("activities", "outputs", "outcomes")
COLOURS = {"activities": "#0b6e4f", "outputs": "#3f9c7a", "outcomes": "#8cc7ab"}


def _text(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"')


def to_dot(model: dict, titles: dict[str, str]) -> str:
    """Three columns of boxes, each column linked to the next."""
    lines = ['digraph logic_model {', '  rankdir=LR; bgcolor="transparent"; compound=true;',
             '  node [shape=box, style="rounded,filled", fontname="IPAexGothic, IPAGothic, sans-serif", '
             'fontsize=12];']
    anchors = []
    for index, part in enumerate(PARTS):
        entries = [str(x) for x in model.get(part) or [] if str(x).strip()] or ["—"]
        lines.append(f'  subgraph cluster_{part} {{ label="{_text(titles.get(part, part))}"; '
                     'style="rounded"; color="#9bb5a8";')
        font = "white" if index < 2 else "black"
        for number, entry in enumerate(entries):
            lines.append(f'    {part}_{number} [label="{_text(entry)}", fillcolor="{COLOURS[part]}", '
                         f'fontcolor="{font}"];')
        lines.append("  }")
        anchors.append((part, len(entries)))
    for (left, n_left), (right, _n_right) in pairwise(anchors):
        lines.append(f"  {left}_{n_left // 2} -> {right}_0 [ltail=cluster_{left}, lhead=cluster_{right}];")
    lines.append("}")
    return "\n".join(lines)
