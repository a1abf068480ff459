"""The Telegram front end: handlers (one module per feature), keyboards, presenter and texts."""
