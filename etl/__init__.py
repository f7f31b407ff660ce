"""ETL for the Western Land-Sea New Corridor dashboard: article text → tidy tables."""
