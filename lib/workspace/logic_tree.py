"""The why-why tree of causes (ロジックツリー), as plain data, and its diagram.

A tree is {"nodes": [{"id", "label", "parent"}, ...]}: the node without a
parent is the root (the problem); the list order is the order of siblings.
Operations return a new tree and never change the one given, so the page can
save the result as a new version of the workspace item.
"""
from __future__ import annotations

import copy
import uuid

MAX_LABEL_LENGTH = 80


class TreeError(ValueError):
    """An edit that cannot be made; `key` names the sentence in lib/locale/sessions.yaml."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def new_tree(root_label: str) -> dict:
    return {"nodes": [{"id": "root", "label": _clean(root_label), "parent": None}]}


def _clean(label: str) -> str:
    text = " ".join(str(label or "").split())
    if not text:
        raise TreeError("tree.error.empty_label")
    if len(text) > MAX_LABEL_LENGTH:
        raise TreeError("tree.error.too_long")
    return text


def _node(tree: dict, node_id: str) -> dict:
    for node in tree["nodes"]:
        if node["id"] == node_id:
            return node
    raise TreeError("tree.error.no_node")


def root(tree: dict) -> dict:
    return next(n for n in tree["nodes"] if n["parent"] is None)


def children(tree: dict, node_id: str) -> list[dict]:
    return [n for n in tree["nodes"] if n["parent"] == node_id]


def descendants(tree: dict, node_id: str) -> set[str]:
    found: set[str] = set()
    stack = [node_id]
    while stack:
        for child in children(tree, stack.pop()):
            found.add(child["id"])
            stack.append(child["id"])
    return found


def level_of(tree: dict, node_id: str) -> int:
    """1 for the root, 2 for its causes, 3 for causes of causes, ..."""
    level, node = 1, _node(tree, node_id)
    while node["parent"] is not None:
        node = _node(tree, node["parent"])
        level += 1
    return level


def depth(tree: dict) -> int:
    """The number of levels, counting the root."""
    return max((level_of(tree, n["id"]) for n in tree["nodes"]), default=0)


def add_node(tree: dict, parent_id: str, label: str) -> tuple[dict, str]:
    result = copy.deepcopy(tree)
    _node(result, parent_id)
    node_id = uuid.uuid4().hex[:8]
    result["nodes"].append({"id": node_id, "label": _clean(label), "parent": parent_id})
    return result, node_id


def rename_node(tree: dict, node_id: str, label: str) -> dict:
    result = copy.deepcopy(tree)
    _node(result, node_id)["label"] = _clean(label)
    return result


def move_node(tree: dict, node_id: str, new_parent_id: str) -> dict:
    """Hang a node (with its subtree) under another node; not under itself or its subtree."""
    result = copy.deepcopy(tree)
    node = _node(result, node_id)
    _node(result, new_parent_id)
    if node["parent"] is None:
        raise TreeError("tree.error.move_root")
    if new_parent_id == node_id or new_parent_id in descendants(result, node_id):
        raise TreeError("tree.error.cycle")
    node["parent"] = new_parent_id
    # The moved node becomes the last of its new siblings.
    result["nodes"].remove(node)
    result["nodes"].append(node)
    return result


def delete_node(tree: dict, node_id: str) -> dict:
    """Remove a node and every cause beneath it; the root cannot be removed."""
    result = copy.deepcopy(tree)
    if _node(result, node_id)["parent"] is None:
        raise TreeError("tree.error.delete_root")
    gone = descendants(result, node_id) | {node_id}
    result["nodes"] = [n for n in result["nodes"] if n["id"] not in gone]
    return result


def outline(tree: dict) -> list[tuple[int, dict]]:
    """(level, node) in reading order: each node followed by its subtree."""
    rows: list[tuple[int, dict]] = []

    def walk(node: dict, level: int) -> None:
        rows.append((level, node))
        for child in children(tree, node["id"]):
            walk(child, level + 1)

    walk(root(tree), 1)
    return rows


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


LEVEL_COLOURS = ("#0b6e4f", "#3f9c7a", "#8cc7ab", "#d4ece0", "#f1f8f4")


def to_dot(tree: dict) -> str:
    """A Graphviz DOT diagram, root on the left and causes to the right (st.graphviz_chart)."""
    lines = [
        "digraph logic_tree {",
        '  rankdir=LR; bgcolor="transparent";',
        '  node [shape=box, style="rounded,filled", fontname="IPAexGothic, IPAGothic, sans-serif", fontsize=12];',
        '  edge [color="#6b7b73"];',
    ]
    for level, node in outline(tree):
        fill = LEVEL_COLOURS[min(level - 1, len(LEVEL_COLOURS) - 1)]
        font = "white" if level <= 2 else "black"
        lines.append(f'  "{node["id"]}" [label="{_dot_text(node["label"])}", fillcolor="{fill}", '
                     f'fontcolor="{font}"];')
    for node in tree["nodes"]:
        if node["parent"] is not None:
            lines.append(f'  "{node["parent"]}" -> "{node["id"]}";')
    lines.append("}")
    return "\n".join(lines)
