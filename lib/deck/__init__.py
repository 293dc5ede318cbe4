"""Deck: the group's presentation — model, evidence drawn from saved specs, PPTX / HTML / PDF exports.

Imports every package below it; only lib.ui and lib.cli import it.
"""
