"""A fake Home Assistant for tests: REST and websocket APIs as documented, with fake speakers."""
