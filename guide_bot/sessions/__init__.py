"""The session service and what it needs: ports, the live session, plans, restore, store."""
