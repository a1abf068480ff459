"""The live view page's own words, in the session's language: sent with every snapshot.

The page (static/app.js) has these in English built in and takes the snapshot's `words` over
them, so a page opened for a German session reads German from its first snapshot. Placeholders
are named (`{step}`) and filled in by the page.
"""

from __future__ import annotations

from typing import Final

from guide_bot.domain.wording import N_, Wording

PAGE_WORDS: Final[dict[str, str]] = {
    "not_started": N_("Not started yet"),
    "get_ready": N_("Get ready"),
    "announce": N_("Get into position"),
    "hold": N_("Hold"),
    "switch": N_("Switch sides"),
    "release": N_("Release"),
    "rest": N_("Rest"),
    "done": N_("Done"),
    "paused": N_("Paused"),
    "finished": N_("Finished. Well done."),
    "stopped": N_("Stopped"),
    "step_heading": N_("Step {step} of {count}: {title}"),
    "next": N_("Next: {what}"),
    "next_in": N_("Next: {what} in {seconds} s"),
    "the_end": N_("the end"),
    "left_side": N_("left side"),
    "right_side": N_("right side"),
    "next_repetition": N_("the next repetition"),
    "next_step": N_("step {step}, {title}"),
    "left": N_("left"),
    "right": N_("right"),
    "picture_alt": N_("Where step {step} works ({view} view)"),
    "no_hold": N_("No hold"),
    "seconds_left": N_("{seconds} seconds left in the hold"),
    "pause": N_("Pause"),
    "resume": N_("Resume"),
    "back": N_("Back"),
    "skip": N_("Skip"),
    "add": N_("+15 s"),
    "stop": N_("Stop"),
    "start_sound": N_("Start sound"),
    "sound_on": N_("Sound on"),
    "offline": N_("Cannot reach the bot. Retrying…"),
    "not_changed": N_("Cannot reach the bot: the session was not changed."),
    "no_audio": N_("This browser cannot play sound here."),
    "cue_failed": N_("A cue could not be played; the countdown goes on."),
    "front": N_("front"),
    "back_view": N_("back"),
}


def page_words(w: Wording) -> dict[str, str]:
    """Every word of the page in the language of `w`."""
    return {key: w.gettext(message) for key, message in PAGE_WORDS.items()}
