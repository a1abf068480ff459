"""The Telegram front end: handlers, keyboards, texts."""
