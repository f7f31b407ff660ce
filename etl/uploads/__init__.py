"""Analysts' uploads: reading files safely, validating rows, proposing a new article's figures."""
