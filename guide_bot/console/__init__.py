"""The terminal player: `guide-bot play` (screen, keys, audio output, the player loop)."""
