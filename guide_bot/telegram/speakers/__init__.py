"""Speakers in the chat: /speaker starts a routine on a Home Assistant speaker the operator allows,
and one chat message follows that speaker, with buttons that control it."""
