"""The stored table: batches, reading the table, previews, write commands, the cache and roles."""
