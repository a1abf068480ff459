// guide-bot live view: shows the caller's session, counts down from the server's absolute times,
// plays the cues after one tap, and sends the controls. No build step, no dependencies.
//
// Time: every snapshot carries `server_time`; the page keeps `offsetMs` (server clock minus this
// device's clock, from the request with the shortest round trip) and computes everything from
// absolute times, so it counts down on its own and snaps back to the truth on each fetch.
// Fetches: on load, every POLL_MS while visible, just after each landmark (hold start or end,
// next step), on visibilitychange/focus/Telegram's "activated", and after every control.
"use strict";

(() => {
  const POLL_MS = 5000;
  const TICK_MS = 250;
  const LANDMARK_DELAY_MS = 300; // fetch this long after a hold starts or ends
  const LATE_CUE_S = 1.5; // a cue later than this is not played (its moment has passed)
  const SCHEDULE_AHEAD_S = 60; // cues further ahead wait for a later snapshot
  const RING = 2 * Math.PI * 52;

  const $ = (id) => document.getElementById(id);
  const hash = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const tg = window.Telegram && window.Telegram.WebApp;
  const initData = (tg && tg.initData) || hash.get("tgWebAppData") || "";
  const pinned = query.get("session"); // set when opened from a session message's button

  let snap = null;
  let offsetMs = 0;
  // The page's own words: English here, the session's language from each snapshot's `words`
  // (guide_bot/web/liveview/words.py has the same keys).
  let WORDS = {
    not_started: "Not started yet",
    get_ready: "Get ready",
    announce: "Get into position",
    hold: "Hold",
    switch: "Switch sides",
    release: "Release",
    rest: "Rest",
    done: "Done",
    paused: "Paused",
    finished: "Finished. Well done.",
    stopped: "Stopped",
    step_heading: "Step {step} of {count}: {title}",
    next: "Next: {what}",
    next_in: "Next: {what} in {seconds} s",
    the_end: "the end",
    left_side: "left side",
    right_side: "right side",
    next_repetition: "the next repetition",
    next_step: "step {step}, {title}",
    left: "left",
    right: "right",
    picture_alt: "Where step {step} works ({view} view)",
    no_hold: "No hold",
    seconds_left: "{seconds} seconds left in the hold",
    pause: "Pause",
    resume: "Resume",
    back: "Back",
    skip: "Skip",
    add: "+15 s",
    stop: "Stop",
    start_sound: "Start sound",
    sound_on: "Sound on",
    offline: "Cannot reach the bot. Retrying…",
    not_changed: "Cannot reach the bot: the session was not changed.",
    no_audio: "This browser cannot play sound here.",
    cue_failed: "A cue could not be played; the countdown goes on.",
    front: "front",
    back_view: "back",
  };
  // A word, its {placeholders} filled in.
  const w = (key, values) =>
    String(WORDS[key] || key).replace(/\{(\w+)\}/g, (all, name) =>
      values && name in values ? String(values[name]) : all,
    );
  const samples = [];
  let halted = false; // refused (401): nothing more to ask until reopened
  let pollTimer = null;
  let inflight = null;
  let again = false; // a refresh was asked for while one was in flight
  let issued = 0; // requests are numbered; a snapshot older than the one shown is dropped
  let applied = 0;
  let busy = false;

  // ---------------------------------------------------------------- theme
  function applyTheme() {
    let params = tg && tg.themeParams;
    if (!params || Object.keys(params).length === 0) {
      try {
        params = JSON.parse(hash.get("tgWebAppThemeParams") || "{}");
      } catch (_e) {
        params = {};
      }
    }
    for (const [key, value] of Object.entries(params || {})) {
      if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
      }
    }
  }

  // ---------------------------------------------------------------- clock
  const serverNow = () => (Date.now() + offsetMs) / 1000;

  function learnOffset(serverTime, t0, t1) {
    samples.push({ rtt: t1 - t0, offset: serverTime * 1000 - (t0 + t1) / 2 });
    if (samples.length > 5) samples.shift();
    offsetMs = samples.reduce((best, s) => (s.rtt <= best.rtt ? s : best)).offset;
  }

  // ---------------------------------------------------------------- messages
  function showStatus(message, code, kind) {
    const box = $("status");
    box.textContent = message;
    box.dataset.code = code || "";
    box.dataset.kind = kind || "error";
    box.hidden = false;
  }

  function clearStatus() {
    const box = $("status");
    box.hidden = true;
    box.textContent = "";
    box.dataset.code = "";
  }

  function setText(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text; // unchanged text is not re-announced
  }

  // ---------------------------------------------------------------- API
  async function call(method, path) {
    const seq = ++issued;
    const t0 = Date.now();
    const resp = await fetch(path, {
      method,
      headers: { Authorization: `tma ${initData}` },
      cache: "no-store",
    });
    const t1 = Date.now();
    let body = null;
    try {
      body = await resp.json();
    } catch (_e) {
      body = null;
    }
    return { resp, body, t0, t1, seq };
  }

  function handle({ resp, body, t0, t1, seq }) {
    if (resp.ok && body) {
      if (seq < applied) return true; // an older answer arriving after a newer one: stale
      applied = seq;
      learnOffset(body.server_time, t0, t1);
      snap = body;
      if (body.words) WORDS = Object.assign({}, WORDS, body.words);
      if (body.language) document.documentElement.lang = body.language;
      clearStatus();
      $("live").hidden = false;
      render();
      scheduleCues();
      return true;
    }
    const code = (body && body.error) || "error";
    const message = (body && body.message) || `The bot answered ${resp.status}.`;
    if (resp.status === 401) {
      halted = true;
      snap = null;
      $("live").hidden = true;
      cancelCues();
      showStatus(`${message.replace(/\.?$/, ".")} Close this page and open it again from the bot.`, code);
    } else if (resp.status === 404 && code === "no_session") {
      snap = null;
      $("live").hidden = true;
      cancelCues();
      showStatus(message, code, "info");
    } else if (resp.status === 403 && code === "not_your_session") {
      snap = null;
      $("live").hidden = true;
      cancelCues();
      showStatus(message, code);
    } else {
      showStatus(message, code);
    }
    return false;
  }

  function refresh() {
    if (halted) return Promise.resolve();
    if (inflight) {
      // The answer on its way may predate what made us ask (the user came back from the chat
      // where they pressed Pause): ask once more when it arrives.
      again = true;
      return inflight;
    }
    const path = `api/live${pinned ? `?session=${encodeURIComponent(pinned)}` : ""}`;
    inflight = call("GET", path)
      .then(handle)
      .catch(() => showStatus(w("offline"), "offline"))
      .finally(() => {
        inflight = null;
        if (again) {
          again = false;
          refresh();
        } else {
          schedule();
        }
      });
    return inflight;
  }

  function schedule() {
    clearTimeout(pollTimer);
    if (halted || document.hidden) return;
    let wait = POLL_MS;
    if (snap && snap.state === "running") {
      const t = serverNow();
      const hold = snap.hold;
      const marks = [hold && hold.started_at, hold && hold.ends_at, snap.next && snap.next.at];
      for (const at of marks) {
        if (typeof at === "number" && at > t) {
          wait = Math.min(wait, (at - t) * 1000 + LANDMARK_DELAY_MS);
        }
      }
    }
    pollTimer = setTimeout(refresh, Math.max(200, wait));
  }

  async function act(action) {
    if (!snap || busy || halted) return;
    busy = true;
    render();
    try {
      const path = `api/live/${action}?session=${encodeURIComponent(snap.session_id)}`;
      const result = await call("POST", path);
      if (handle(result)) {
        if (tg && tg.HapticFeedback) tg.HapticFeedback.impactOccurred("light");
      } else if (result.resp.status === 409) {
        refresh();
      }
    } catch (_e) {
      showStatus(w("not_changed"), "offline");
    } finally {
      busy = false;
      render();
      schedule();
    }
  }

  // ---------------------------------------------------------------- drawing
  const PHASES = {
    ready: "not_started",
    get_ready: "get_ready",
    announce: "announce",
    hold: "hold",
    switch: "switch",
    release: "release",
    rest: "rest",
    done: "done",
  };

  function phaseText(t, running) {
    if (snap.state === "paused") return w("paused");
    if (snap.state === "finished") return w("finished");
    if (snap.state === "stopped") return w("stopped");
    const hold = snap.hold;
    if (running && hold && t >= hold.started_at && t < hold.ends_at) return w("hold");
    return PHASES[snap.phase] ? w(PHASES[snap.phase]) : "";
  }

  function heading() {
    if (snap.step) {
      return w("step_heading", { step: snap.step, count: snap.step_count, title: snap.step_title });
    }
    return snap.phase === "ready" ? snap.routine.title : w("get_ready");
  }

  function sideWords(side) {
    if (side === "left" || side === "right") return w(side);
    return side || "";
  }

  function nextText(t, running) {
    const next = snap.next;
    if (!next) return "";
    let what = w("the_end");
    if (next.kind === "hold") {
      if (next.side === "left" || next.side === "right") what = w(`${next.side}_side`);
      else what = next.side || w("next_repetition");
    }
    if (next.kind === "step") what = w("next_step", { step: next.step, title: next.title });
    const soon = running && typeof next.at === "number" ? Math.max(0, Math.ceil(next.at - t)) : null;
    return soon !== null ? w("next_in", { what, seconds: soon }) : w("next", { what });
  }

  // The shown step's picture: its URL names its content, so it changes only with the step.
  function showPicture(picture) {
    const box = $("picture-box");
    const img = $("picture");
    if (!picture) {
      box.hidden = true;
      img.removeAttribute("src");
      img.dataset.step = "";
      return;
    }
    if (img.getAttribute("src") !== picture.url) {
      const views = { back: "back_view", front: "front" };
      const view = views[picture.view] ? w(views[picture.view]) : picture.view;
      img.alt = w("picture_alt", { step: picture.step, view });
      img.dataset.step = String(picture.step);
      img.src = picture.url;
    }
    box.hidden = img.dataset.failed === picture.url;
  }

  function render() {
    if (!snap) return;
    const t = serverNow();
    const running = snap.state === "running";
    const closed = snap.state === "finished" || snap.state === "stopped";
    setText("routine", snap.routine.title);
    setText("step-title", heading());
    setText("phase", phaseText(t, running));
    setText("instruction", snap.instruction || "");
    $("instruction").hidden = !snap.instruction;
    setText("next", closed ? "" : nextText(t, running));
    showPicture(snap.picture);

    const hold = snap.hold;
    let left = 0;
    let fraction = 0;
    if (hold && !closed) {
      if (running) left = t < hold.started_at ? hold.length_s : Math.max(0, hold.ends_at - t);
      else left = hold.left_s;
      fraction = hold.length_s > 0 ? left / hold.length_s : 0;
    }
    const seconds = hold && !closed ? Math.ceil(left - 1e-3) : null;
    setText("count", seconds === null ? "–" : String(Math.max(0, seconds)));
    setText("side", sideWords((hold && !closed && hold.side) || snap.side || ""));
    $("ring-arc").style.strokeDashoffset = String(RING * (1 - Math.min(1, Math.max(0, fraction))));
    $("ring-label").setAttribute(
      "aria-label",
      seconds === null ? w("no_hold") : w("seconds_left", { seconds: Math.max(0, seconds) }),
    );

    const offset = snap.offset_s + (running ? t - snap.server_time : 0);
    let progress = snap.state === "finished" ? 1 : offset / (snap.total_s || 1);
    progress = Math.min(1, Math.max(0, progress));
    $("progress-fill").style.width = `${(progress * 100).toFixed(1)}%`;
    $("progress").setAttribute("aria-valuenow", String(Math.round(progress * 100)));

    const toggle = $("btn-toggle");
    const paused = snap.state === "paused";
    toggle.dataset.action = paused ? "resume" : "pause";
    setText("btn-toggle", paused ? w("resume") : w("pause"));
    setText("btn-back", w("back"));
    setText("btn-skip", w("skip"));
    setText("btn-add", w("add"));
    setText("btn-stop", w("stop"));
    const soundOn = $("btn-sound").getAttribute("aria-pressed") === "true";
    setText("btn-sound", soundOn ? w("sound_on") : w("start_sound"));
    const open = running || paused;
    toggle.disabled = busy || !open;
    $("btn-back").disabled = busy || !open;
    $("btn-skip").disabled = busy || !open;
    $("btn-stop").disabled = busy || !(open || snap.state === "ready");
    const inHold = paused
      ? Boolean(hold) && snap.phase === "hold" && hold.left_s > 0
      : Boolean(hold) && t < hold.ends_at && (t >= hold.started_at || snap.phase === "hold");
    $("btn-add").disabled = busy || !open || !inHold;
  }

  // ---------------------------------------------------------------- sound
  // `gen` counts cancellations: a clip that finishes loading after one is not played.
  const sound = {
    ctx: null,
    buffers: new Map(),
    playing: new Map(),
    session: null,
    endsAt: null,
    gen: 0,
  };

  function cancelCues() {
    for (const node of sound.playing.values()) {
      try {
        if (node) node.stop();
      } catch (_e) {
        /* already ended */
      }
    }
    sound.playing.clear();
    sound.endsAt = null;
    sound.gen += 1;
  }

  function loadClip(url) {
    if (!sound.buffers.has(url)) {
      const loading = fetch(url)
        .then((resp) => {
          if (!resp.ok) throw new Error(`clip ${resp.status}`);
          return resp.arrayBuffer();
        })
        .then((data) => sound.ctx.decodeAudioData(data));
      loading.catch(() => sound.buffers.delete(url));
      sound.buffers.set(url, loading);
    }
    return sound.buffers.get(url);
  }

  function chime(ctx) {
    // The end of a session is a chime with no words: two soft tones.
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const tones = [660, 880].map((hz) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      return osc;
    });
    return {
      start(when) {
        gain.gain.setValueAtTime(0.0001, when);
        gain.gain.exponentialRampToValueAtTime(0.3, when + 0.05);
        gain.gain.exponentialRampToValueAtTime(0.0001, when + 1.2);
        tones[0].start(when);
        tones[0].stop(when + 0.6);
        tones[1].start(when + 0.35);
        tones[1].stop(when + 1.2);
      },
      stop() {
        for (const osc of tones) osc.stop();
      },
    };
  }

  async function playCue(id, cue) {
    const ctx = sound.ctx;
    const gen = sound.gen;
    try {
      let node;
      if (cue.audio_url) {
        const buffer = await loadClip(cue.audio_url);
        if (gen !== sound.gen) return; // cancelled while loading
        node = ctx.createBufferSource();
        node.buffer = buffer;
        node.connect(ctx.destination);
      } else if (cue.kind === "complete") {
        node = chime(ctx);
      } else {
        return;
      }
      const delay = cue.at - serverNow();
      if (-delay > LATE_CUE_S) return;
      if (node.buffer) node.start(ctx.currentTime + Math.max(0, delay), Math.max(0, -delay));
      else node.start(ctx.currentTime + Math.max(0, delay));
      sound.playing.set(id, node);
      document.body.dataset.cuesScheduled = String(Number(document.body.dataset.cuesScheduled || 0) + 1);
    } catch (error) {
      console.warn("cue not played", cue.kind, cue.at, error);
      sound.playing.delete(id);
      showStatus(w("cue_failed"), "audio", "info");
    }
  }

  function scheduleCues() {
    if (!sound.ctx || !snap) return;
    const running = snap.state === "running";
    const moved = sound.endsAt === null || Math.abs(sound.endsAt - snap.ends_at) > 0.2;
    if (!running || sound.session !== snap.session_id || moved) cancelCues();
    if (!running) return;
    sound.session = snap.session_id;
    sound.endsAt = snap.ends_at;
    const t = serverNow();
    for (const cue of snap.cues) {
      const id = `${cue.kind}@${cue.at.toFixed(2)}`;
      if (sound.playing.has(id) || cue.at - t > SCHEDULE_AHEAD_S) continue;
      if (t - cue.at > Math.min(LATE_CUE_S, cue.speak_s || LATE_CUE_S)) continue;
      sound.playing.set(id, null); // claimed while its clip loads
      playCue(id, cue);
    }
  }

  async function startSound() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) {
      showStatus(w("no_audio"), "no_audio");
      return;
    }
    sound.ctx = sound.ctx || new Ctx();
    await sound.ctx.resume(); // allowed now: this runs inside the tap
    const button = $("btn-sound");
    button.setAttribute("aria-pressed", "true");
    button.textContent = w("sound_on");
    button.disabled = true;
    sound.endsAt = null;
    scheduleCues();
  }

  // ---------------------------------------------------------------- start
  function start() {
    applyTheme();
    if (!initData) {
      $("outside").hidden = false;
      return;
    }
    if (tg) {
      tg.ready();
      if (tg.expand) tg.expand();
      if (tg.onEvent) {
        tg.onEvent("themeChanged", applyTheme);
        tg.onEvent("activated", refresh);
      }
    }
    for (const button of document.querySelectorAll(".controls button")) {
      button.addEventListener("click", () => act(button.dataset.action));
    }
    $("btn-sound").addEventListener("click", startSound);
    $("picture").addEventListener("error", (event) => {
      // a link the server no longer knows: the text carries on without the picture
      event.target.dataset.failed = event.target.getAttribute("src") || "";
      $("picture-box").hidden = true;
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) clearTimeout(pollTimer);
      else refresh();
    });
    window.addEventListener("focus", refresh);
    setInterval(() => {
      render();
      scheduleCues();
    }, TICK_MS);
    refresh();
  }

  start();
})();
