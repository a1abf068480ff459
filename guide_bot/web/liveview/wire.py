"""The JSON shape of the live view's API (documented in docs/liveview.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guide_bot.i18n import translator
from guide_bot.web.liveview.ports import LiveCue, LiveHold, LiveNext, LivePicture, LiveSnapshot
from guide_bot.web.liveview.words import page_words

AudioUrl = Callable[[str], str]  # an audio cache key -> the URL the page fetches it from
PictureUrl = Callable[[str], str]  # a picture version -> the URL the page shows it from


def _t(value: float) -> float:
    return round(value, 3)


def _opt(value: float | None) -> float | None:
    return None if value is None else _t(value)


def snapshot_json(
    snapshot: LiveSnapshot, audio_url: AudioUrl | None, picture_url: PictureUrl | None = None
) -> dict[str, Any]:
    """The snapshot as the page reads it; each cue with a clip gets its `audio_url`, the shown
    step's picture its `url`."""
    return {
        "session_id": snapshot.session_id,
        "routine": {"id": snapshot.routine_id, "title": snapshot.routine_title},
        "state": snapshot.state,
        "phase": snapshot.phase,
        "server_time": _t(snapshot.server_time),
        "step": snapshot.step,
        "step_count": snapshot.step_count,
        "step_title": snapshot.step_title,
        "instruction": snapshot.instruction,
        "side": snapshot.side,
        "hold": _hold(snapshot.hold),
        "next": _next(snapshot.next),
        "progress": round(snapshot.progress, 4),
        "offset_s": _t(snapshot.offset_s),
        "total_s": _t(snapshot.total_s),
        "ends_at": _opt(snapshot.ends_at),
        "cues": [_cue(cue, audio_url) for cue in snapshot.cues],
        "picture": _picture(snapshot.picture, picture_url),
        "language": snapshot.language,
        "words": page_words(translator(snapshot.language)),
    }


def _picture(picture: LivePicture | None, url: PictureUrl | None) -> dict[str, Any] | None:
    if picture is None or url is None:
        return None
    return {"url": url(picture.version), "step": picture.step, "view": picture.where.view}


def _hold(hold: LiveHold | None) -> dict[str, Any] | None:
    if hold is None:
        return None
    return {
        "length_s": _t(hold.length_s),
        "left_s": _t(hold.left_s),
        "started_at": _t(hold.started_at),
        "ends_at": _t(hold.ends_at),
        "side": hold.side,
        "rep": hold.rep,
        "reps": hold.reps,
    }


def _next(upcoming: LiveNext | None) -> dict[str, Any] | None:
    if upcoming is None:
        return None
    return {
        "kind": upcoming.kind,
        "step": upcoming.step,
        "title": upcoming.title,
        "side": upcoming.side,
        "at": _opt(upcoming.at),
    }


def _cue(cue: LiveCue, audio_url: AudioUrl | None) -> dict[str, Any]:
    url = audio_url(cue.audio_key) if audio_url is not None and cue.audio_key else None
    return {
        "at": _t(cue.at),
        "kind": cue.kind,
        "text": cue.text,
        "speak_s": _t(cue.speak_s),
        "audio_url": url,
    }


def error_json(code: str, message: str) -> dict[str, str]:
    """Every refusal has the same shape: a stable code for the page and a sentence for people."""
    return {"error": code, "message": message}
