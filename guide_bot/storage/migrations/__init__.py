"""Alembic migrations of guide-bot's schema, shipped in the package and run at start-up.

`guide_bot.storage.schema.create_or_migrate` runs them programmatically (no alembic.ini needed);
`env.py` also serves a developer's `alembic` command (see docs/deploying.md). The first revision
is the schema as it was when migrations began (`baseline.py`); every later change is a revision.
"""
