"""The bot's own HTTP server and the web features mounted on it (the Mini App live view)."""
