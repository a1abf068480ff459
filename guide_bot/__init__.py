"""guide-bot: a guided session timer for self-massage and stretching, in chat and on speakers."""

__version__ = "0.1.0"
