"""Everything spaCy: pipeline loading, tokens, suggestions, training configs."""
