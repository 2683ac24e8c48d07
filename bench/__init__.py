"""The meeting-scale benchmark: ``python -m bench`` (see README's "Performance" section)."""
