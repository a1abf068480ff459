"""The progress features in the chat: /history, /stats, /export, /forget, own routines."""
