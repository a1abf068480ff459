"""The HTTP server: health check, signed media, the speaker API, and what features add to it."""
