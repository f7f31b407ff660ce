"""One module per schema revision, applied in order by `corridor db upgrade`."""
