"""Frames shaped for display: the figure index, KPI cards and the reader's tables."""
