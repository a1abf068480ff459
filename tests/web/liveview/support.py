"""Helpers for the live view tests: signed initData, a shipped routine, and a LiveSessions fake.

`FakeLiveSessions` implements the `LiveSessions` port over REAL domain sessions (the same
`SessionMachine` the bot runs) on a fake clock, one session per user, refusing what the session
refuses.
"""

from __future__ import annotations

import json
import threading
from urllib.parse import quote, urlencode

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionError, SessionMachine, SessionState
from guide_bot.domain.timeline import SpeakTime, plan
from guide_bot.library.loader import load_routines
from guide_bot.paths import shipped_library_dir
from guide_bot.web.liveview.initdata import sign
from guide_bot.web.liveview.ports import Action, LiveSnapshot, Refused
from guide_bot.web.liveview.snapshot import ClipKey, snapshot_of

BOT_TOKEN = "123456789:AAtest-live-view-token_0123456789abcd"
T0 = 1_800_000_000.0


def shipped(routine_id: str) -> Routine:
    """A routine of the shipped library."""
    result = load_routines([shipped_library_dir() / f"{routine_id}.yaml"])
    return result.routines[routine_id]


def init_data(
    user_id: int,
    *,
    auth_date: float,
    token: str = BOT_TOKEN,
    extra: dict[str, str] | None = None,
) -> str:
    """initData as Telegram builds it: URL-encoded fields, `user` as JSON, signed by `token`."""
    user = {"id": user_id, "first_name": "Ann", "language_code": "en", "allows_write_to_pm": True}
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(int(auth_date)),
        **(extra or {}),
    }
    fields["hash"] = sign(fields, token)
    return urlencode(fields, quote_via=quote)


class FakeLiveSessions:
    """One real `SessionMachine` per user on a fake clock; records every control call."""

    def __init__(self, clock: FakeClock, *, clip_key: ClipKey | None = None) -> None:
        self.clock = clock
        self.clip_key = clip_key
        self.calls: list[tuple[int, Action]] = []
        self._sessions: dict[int, tuple[str, SessionMachine, Routine]] = {}
        self.languages: dict[int, str] = {}  # the session's language per user (default en)
        self._lock = threading.Lock()

    def start(
        self, user_id: int, routine: Routine, session_id: str, speak_s: SpeakTime | None = None
    ) -> SessionMachine:
        """Plan and start a session for a user now."""
        session = SessionMachine(plan(routine, speak_s) if speak_s else plan(routine))
        session.start(self.clock.now())
        with self._lock:
            self._sessions[user_id] = (session_id, session, routine)
        return session

    def snapshot(self, user_id: int) -> LiveSnapshot | None:
        with self._lock:
            found = self._sessions.get(user_id)
            if found is None:
                return None
            session_id, session, routine = found
            now = self.clock.now()
            _catch_up(session, now)
            return snapshot_of(
                session,
                routine,
                now=now,
                session_id=session_id,
                clock_wall=now,
                clip_key=self.clip_key,
                language=self.languages.get(user_id, "en"),
            )

    async def control(self, user_id: int, action: Action) -> LiveSnapshot:
        with self._lock:
            self.calls.append((user_id, action))
            found = self._sessions.get(user_id)
            if found is None:
                raise Refused("You have no session running.")
            _id, session, _routine = found
            now = self.clock.now()
            try:
                _catch_up(session, now)
                _ACT[action](session, now)
            except SessionError as exc:
                raise Refused(str(exc)) from exc
        snapshot = self.snapshot(user_id)
        assert snapshot is not None
        return snapshot


def _catch_up(session: SessionMachine, now: float) -> None:
    """Deliver what fell due, as the bot's scheduler would have by `now`."""
    if session.state is SessionState.RUNNING:
        session.advance(now)


_ACT = {
    "pause": SessionMachine.pause,
    "resume": SessionMachine.resume,
    "skip": SessionMachine.skip,
    "back": SessionMachine.back,
    "add": SessionMachine.add_time,
    "stop": SessionMachine.stop,
}
