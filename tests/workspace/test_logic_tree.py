"""The why-why tree: add, rename, move, delete, at least three levels, and its DOT diagram."""
from __future__ import annotations

import pytest

from lib.workspace import logic_tree
from lib.workspace.logic_tree import TreeError


@pytest.fixture()
def tree():
    t = logic_tree.new_tree("認定率が高い")
    t, a = logic_tree.add_node(t, "root", "外出が少ない")
    t, b = logic_tree.add_node(t, a, "通いの場が遠い")
    t, c = logic_tree.add_node(t, "root", "高齢化")
    return t, a, b, c


def test_three_levels_and_outline_order(tree):
    t, a, b, c = tree
    assert logic_tree.depth(t) == 3
    assert [(level, n["label"]) for level, n in logic_tree.outline(t)] == [
        (1, "認定率が高い"), (2, "外出が少ない"), (3, "通いの場が遠い"), (2, "高齢化")]


def test_edits_return_a_new_tree_and_leave_the_old_one(tree):
    t, a, b, c = tree
    renamed = logic_tree.rename_node(t, b, "  歩いて行ける 通いの場が少ない ")
    assert logic_tree._node(renamed, b)["label"] == "歩いて行ける 通いの場が少ない"
    assert logic_tree._node(t, b)["label"] == "通いの場が遠い"


def test_move_keeps_the_subtree_and_refuses_cycles(tree):
    t, a, b, c = tree
    moved = logic_tree.move_node(t, a, c)
    assert logic_tree.level_of(moved, b) == 4 and logic_tree.depth(moved) == 4
    with pytest.raises(TreeError) as caught:
        logic_tree.move_node(t, a, b)
    assert caught.value.key == "tree.error.cycle"
    with pytest.raises(TreeError):
        logic_tree.move_node(t, "root", a)


def test_delete_removes_the_subtree_but_never_the_root(tree):
    t, a, b, c = tree
    pruned = logic_tree.delete_node(t, a)
    assert [n["id"] for n in pruned["nodes"]] == ["root", c]
    with pytest.raises(TreeError):
        logic_tree.delete_node(t, "root")
    with pytest.raises(TreeError):
        logic_tree.rename_node(t, "missing", "x")
    with pytest.raises(TreeError):
        logic_tree.add_node(t, a, "   ")


def test_dot_has_every_node_and_edge_with_quotes_escaped(tree):
    t, a, b, c = tree
    t = logic_tree.rename_node(t, c, '「高齢化」"率"')
    dot = logic_tree.to_dot(t)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert f'"root" -> "{a}"' in dot and f'"{a}" -> "{b}"' in dot
    assert '\\"率\\"' in dot
    assert dot.count("->") == len(t["nodes"]) - 1
