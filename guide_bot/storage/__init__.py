"""Storage: SQLAlchemy models and repositories; SQLite in the data folder by default."""
