"""The live view: a Telegram Mini App that shows and controls the caller's running session.

`liveview_feature` (routes.py) mounts the page and its JSON API on the bot's aiohttp server; it
reads and drives sessions only through the `LiveSessions` port (ports.py), whose snapshots are
built from the domain by the pure `snapshot_of` (snapshot.py). docs/liveview.md has the API.
"""
