"""Pure chart builders: theme (the look), select (what a chart draws), figures (plotly), specs."""
