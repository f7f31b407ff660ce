"""The `corridor` command: the top layer, the only package that imports both etl and dashboard."""
