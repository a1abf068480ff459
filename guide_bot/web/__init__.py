"""HTTP front ends served by aiohttp (the Telegram webhook receiver, and more to come)."""
