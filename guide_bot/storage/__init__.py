"""Storage: SQLAlchemy models and repositories; SQLite by default, or PostgreSQL."""

from __future__ import annotations

import logging

# Alembic announces each of its autogenerate plugins at INFO when imported (schema.py imports it);
# its migration lines ("Running upgrade ...") stay.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
