"""One module per saved-analysis method (see lib.deck.analysis_evidence)."""
