"""Helpers every app may use; they know nothing of officials, cycles or ratings (the bottom layer)."""
