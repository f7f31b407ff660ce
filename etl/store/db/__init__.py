"""The store on a SQL database: SQLite by default, PostgreSQL when a URL names one."""
