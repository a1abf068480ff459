"""The live view in a real headless Chromium (Debian's package) driven by Playwright.

The server is the real aiohttp feature in a thread, on real sessions with a fake clock; the page
runs on Playwright's fake clock, set an hour AHEAD of the server's so that the clock-offset
correction is exercised. Telegram's script cannot load here (requests to telegram.org are
aborted, as when it is unreachable): the page reads the launch parameters from the URL's hash.
One browser for the module; each test opens its own context.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.timeline import plan
from guide_bot.speech.cache import AudioCache, CacheEntry
from guide_bot.speech.cues import CueAudio
from guide_bot.web.liveview.ports import Action
from guide_bot.web.liveview.routes import liveview_feature
from tests.speech.fakes import ToneEngine
from tests.web.liveview.support import BOT_TOKEN, T0, FakeLiveSessions, init_data, shipped

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_AHEAD_MS = 3_600_000  # the phone's clock runs an hour ahead of the server's
THEME = {"bg_color": "#112233", "text_color": "#eeeeee", "button_color": "#ff8800"}

if not CHROMIUM.exists():
    if os.environ.get("GUIDE_BOT_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{CHROMIUM} is missing and GUIDE_BOT_REQUIRE_CHROMIUM=1", pytrace=False)
    pytest.skip(
        f"{CHROMIUM} is absent: install Debian's chromium package to run the browser tests",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


class RecordingClips:
    """The real audio cache, noting which clips the page fetched."""

    def __init__(self, cache: AudioCache) -> None:
        self.cache = cache
        self.fetched: list[str] = []

    def get(self, key: str) -> CacheEntry | None:
        self.fetched.append(key)
        return self.cache.get(key)


class ServerThread:
    """The aiohttp app on 127.0.0.1 (a free port), served from its own thread and loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.runner: web.AppRunner | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = self.runner.addresses[0][1]
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def __enter__(self) -> str:
        self.thread.start()
        assert self.ready.wait(10), "the test server did not start"
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class World:
    """What a test drives: the server's clock and sessions, the clips, the base URL."""

    def __init__(
        self,
        server: ServerThread,
        base: str,
        clock: FakeClock,
        sessions: FakeLiveSessions,
        clips: RecordingClips,
    ) -> None:
        self.server = server
        self.base = base
        self.clock = clock
        self.sessions = sessions
        self.clips = clips

    def chat(self, user_id: int, action: Action) -> None:
        """A button pressed in the chat: the same service call, on the server's loop."""
        call = self.sessions.control(user_id, action)
        asyncio.run_coroutine_threadsafe(call, self.server.loop).result(10)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = FakeClock(T0)
    cues = CueAudio(ToneEngine(), AudioCache(tmp_path_factory.mktemp("cache"), max_bytes=2**26))
    clips = RecordingClips(cues.cache)
    sessions = FakeLiveSessions(clock, clip_key=cues.key)
    app = web.Application()
    liveview_feature(sessions, bot_token=BOT_TOKEN, clock=clock, clips=clips, max_age_s=3600)(app)
    world_cues.clear()
    world_cues.append(cues)
    server = ServerThread(app)
    with server as base:
        yield World(server, base, clock, sessions, clips)


world_cues: list[CueAudio] = []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, world: World) -> Iterator[Any]:
    context = browser.new_context()
    context.route("https://telegram.org/**", lambda route: route.abort())
    page = context.new_page()
    phone_now_ms = int(world.clock.now() * 1000) + PHONE_AHEAD_MS
    page.clock.install(time=phone_now_ms)
    page.clock.pause_at(phone_now_ms + 100)
    yield page
    context.close()


def open_app(page: Any, world: World, raw_init_data: str | None, query: str = "") -> None:
    fragment = ""
    if raw_init_data is not None:
        fragment = (
            f"#tgWebAppData={quote(raw_init_data, safe='')}&tgWebAppVersion=8.0"
            f"&tgWebAppPlatform=web&tgWebAppThemeParams={quote(json.dumps(THEME), safe='')}"
        )
    page.goto("about:blank")  # a new document each time, as Telegram opens it
    page.goto(f"{world.base}/app{query}{fragment}")


def tick(page: Any, world: World, seconds: float) -> None:
    """Move both clocks: the server's (the session) and the phone's (the page's timers)."""
    world.clock.advance(seconds)
    page.clock.run_for(int(seconds * 1000))


def test_the_page_speaks_the_sessions_language(page: Any, world: World) -> None:
    from guide_bot.i18n import translator

    es = translator("es")
    routine = shipped("neck-release")
    hold = plan(routine).holds[0]
    world.sessions.start(102, routine, "s-102")
    world.sessions.languages[102] = "es"
    world.clock.advance(hold.start_s + 10.0)
    open_app(page, world, init_data(102, auth_date=world.clock.now()))

    title = routine.steps[0].title
    heading = es.t("Step {step} of {count}: {title}", step=1, count=4, title=title)
    expect(page.locator("#step-title")).to_have_text(heading)
    expect(page.locator("#side")).to_have_text(es.gettext("right"))
    what = es.gettext("left side")
    expect(page.locator("#next")).to_have_text(
        es.t("Next: {what} in {seconds} s", what=what, seconds=44)
    )
    expect(page.locator("#btn-toggle")).to_have_text(es.gettext("Pause"))
    expect(page.locator("#btn-skip")).to_have_text(es.gettext("Skip"))
    assert page.evaluate("document.documentElement.lang") == "es"


def test_the_page_shows_the_step_and_counts_down(page: Any, world: World) -> None:
    routine = shipped("neck-release")
    hold = plan(routine).holds[0]
    world.sessions.start(101, routine, "s-101")
    world.clock.advance(hold.start_s + 10.0)  # ten seconds into the first 45 s hold
    open_app(page, world, init_data(101, auth_date=world.clock.now()))

    expect(page.locator("#step-title")).to_have_text("Step 1 of 4: Upper trapezius")
    expect(page.locator("#phase")).to_have_text("Hold")
    expect(page.locator("#count")).to_have_text("35")
    expect(page.locator("#side")).to_have_text("right")
    expect(page.locator("#instruction")).to_contain_text(routine.steps[0].instruction[:40])
    expect(page.locator("#next")).to_have_text("Next: left side in 44 s")
    bg = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--tg-theme-bg-color')"
    )
    assert bg.strip() == THEME["bg_color"]

    tick(page, world, 1.0)
    expect(page.locator("#count")).to_have_text("34")
    tick(page, world, 6.0)
    expect(page.locator("#count")).to_have_text("28")
    ring = page.locator("#ring-arc").evaluate("el => parseFloat(el.style.strokeDashoffset)")
    assert ring == pytest.approx(2 * 3.14159265 * 52 * (17 / 45), abs=1.5)
    tick(page, world, 30.0)  # past the release and into the switch to the left side
    expect(page.locator("#count")).to_have_text("45")
    expect(page.locator("#side")).to_have_text("left")


def test_the_page_shows_the_step_picture_and_changes_it_with_the_step(
    page: Any, world: World
) -> None:
    routine = shipped("neck-release")
    first, later = plan(routine).holds[0], plan(routine).holds[2]  # step 1 right, step 2 right
    world.sessions.start(111, routine, "s-111")
    world.clock.advance(first.start_s + 5.0)
    open_app(page, world, init_data(111, auth_date=world.clock.now()))

    img = page.locator("#picture")
    expect(page.locator("#picture-box")).to_be_visible()
    expect(img).to_have_attribute("alt", "Where step 1 works (back view)")
    # the browser really loaded the PNG from the signed link (a broken image has no width)
    page.wait_for_function("() => document.getElementById('picture').naturalWidth > 0")
    assert img.evaluate("el => [el.naturalWidth, el.naturalHeight]") == [240, 480]
    first_src = img.get_attribute("src")
    assert first_src is not None
    assert "api/picture/" in first_src
    assert "sig=" in first_src

    tick(page, world, later.start_s - first.start_s)  # into step 2's first hold
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(img).to_have_attribute("alt", "Where step 2 works (back view)", timeout=10_000)
    page.wait_for_function("() => document.getElementById('picture').naturalWidth > 0")
    assert img.get_attribute("src") != first_src


def test_pause_in_the_page_pauses_the_session(page: Any, world: World) -> None:
    routine = shipped("neck-release")
    hold = plan(routine).holds[0]
    session = world.sessions.start(202, routine, "s-202")
    world.clock.advance(hold.start_s + 20.0)
    open_app(page, world, init_data(202, auth_date=world.clock.now()), "?session=s-202")
    expect(page.locator("#count")).to_have_text("25")

    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#phase")).to_have_text("Paused")
    expect(page.locator("#btn-toggle")).to_have_text("Resume")
    assert (202, "pause") in world.sessions.calls
    assert session.state.value == "paused"
    tick(page, world, 10.0)  # paused: nothing moves
    expect(page.locator("#count")).to_have_text("25")
    world.chat(202, "resume")  # Resume pressed in the chat
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # back in front
    expect(page.locator("#phase")).to_have_text("Hold")
    world.chat(202, "pause")  # and Pause again in the chat
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("#phase")).to_have_text("Paused")

    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#phase")).to_have_text("Hold")
    tick(page, world, 5.0)
    expect(page.locator("#count")).to_have_text("20")
    page.get_by_role("button", name="Add 15 seconds").click()
    expect(page.locator("#count")).to_have_text("35")
    assert world.sessions.calls[-3:] == [(202, "pause"), (202, "resume"), (202, "add")]
    assert world.sessions.calls.count((202, "pause")) == 2  # the page's and the chat's


def test_bad_init_data_is_refused_in_the_page(page: Any, world: World) -> None:
    routine = shipped("foot-reset")
    world.sessions.start(303, routine, "s-303")
    world.sessions.start(404, routine, "s-404")
    now = world.clock.now()
    status = page.locator("#status")

    open_app(page, world, init_data(303, auth_date=now, token="999:not-this-bot"))
    expect(status).to_contain_text("does not match")
    expect(status).to_have_attribute("data-code", "bad_init_data")
    expect(page.locator("#live")).to_be_hidden()

    open_app(page, world, init_data(303, auth_date=now - 2 * 86400))
    expect(status).to_contain_text("older than 3600 s")

    open_app(page, world, init_data(404, auth_date=now), "?session=s-303")  # another's session
    expect(status).to_have_attribute("data-code", "not_your_session")
    expect(page.locator("#live")).to_be_hidden()

    open_app(page, world, init_data(505, auth_date=now))  # a user with no session
    expect(status).to_contain_text("You have no session running.")

    open_app(page, world, None)  # outside Telegram
    expect(page.locator("#outside")).to_be_visible()
    expect(page.locator("#outside")).to_contain_text("Live view")
    assert not [call for call in world.sessions.calls if call[0] in (303, 404, 505)]


def test_start_sound_fetches_the_coming_cues(page: Any, world: World) -> None:
    routine = shipped("neck-release")
    timeline = plan(routine)
    started = world.clock.now()
    world.sessions.start(606, routine, "s-606")
    world.clock.advance(timeline.holds[0].start_s + 2.0)  # the first cue of the hold is 10 s away
    offset = world.clock.now() - started
    coming = [e.text for e in timeline.events if 0 < e.at_s - offset < 60]
    cues = world_cues[0]
    for text in coming:
        cues.entry(text)
    open_app(page, world, init_data(606, auth_date=world.clock.now()))
    expect(page.locator("#phase")).to_have_text("Hold")
    assert world.clips.fetched == []  # nothing is loaded before the tap

    page.get_by_role("button", name="Start sound").click()
    expect(page.locator("#btn-sound")).to_have_text("Sound on")
    expect(page.locator("body")).to_have_attribute("data-cues-scheduled", str(len(coming)))
    assert {cues.key(text) for text in coming} <= set(world.clips.fetched)


TELEGRAM_STUB = """
window.__tg = {ready: 0, events: [], haptic: null};
window.Telegram = {WebApp: {
  initData: %s,
  themeParams: {bg_color: "#202020", button_color: "#00aa00"},
  ready() { window.__tg.ready += 1; },
  expand() {},
  onEvent(name, callback) { window.__tg.events.push(name); window.__tg[name] = callback; },
  HapticFeedback: {impactOccurred(style) { window.__tg.haptic = style; }},
}};
"""


def test_inside_telegram_with_its_script(page: Any, world: World) -> None:
    """Telegram's script, when it loads, gives initData and the theme; `activated` resyncs."""
    routine = shipped("neck-release")
    hold = plan(routine).holds[0]
    world.sessions.start(707, routine, "s-707")
    world.clock.advance(hold.start_s + 5.0)
    stub = TELEGRAM_STUB % json.dumps(init_data(707, auth_date=world.clock.now()))
    page.route(
        "https://telegram.org/js/telegram-web-app.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=stub),
    )
    page.goto(f"{world.base}/app")  # no launch parameters in the hash: all from WebApp
    expect(page.locator("#count")).to_have_text("40")
    assert page.evaluate("window.__tg.ready") == 1
    assert set(page.evaluate("window.__tg.events")) == {"themeChanged", "activated"}
    bg = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--tg-theme-bg-color')"
    )
    assert bg.strip() == "#202020"

    world.clock.advance(2.0)
    world.chat(707, "pause")  # Pause pressed in the chat
    page.evaluate("window.__tg.activated()")  # the Mini App comes back to the foreground
    expect(page.locator("#phase")).to_have_text("Paused")
    expect(page.locator("#count")).to_have_text("38")
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#phase")).to_have_text("Hold")
    assert page.evaluate("window.__tg.haptic") == "light"
