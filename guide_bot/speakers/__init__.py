"""Sessions on smart speakers: Home Assistant media players (and the Alexa skill)."""
