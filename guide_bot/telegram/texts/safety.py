"""The welcome, the not-medical-advice note and the safety screening with what follows."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from guide_bot.domain.conditions import CONDITIONS, ConditionKind
from guide_bot.domain.wording import N_
from guide_bot.i18n import EN, Translator

__all__ = [
    "CONDITION_BUTTONS",
    "DURING_SESSION_SAFETY",
    "KIND_HEADINGS",
    "NOT_MEDICAL_ADVICE",
    "SCREENING_ALL_CLEAR",
    "SCREENING_DONE",
    "SCREENING_FIRST",
    "SCREENING_INTRO",
    "SCREENING_NONE",
    "SCREENING_NOT_DONE",
    "SCREENING_OUTDATED",
    "SCREENING_PRIVATE_ONLY",
    "SCREENING_REDO",
    "WELCOME",
    "screening_checklist",
    "screening_summary",
]

# --- onboarding and safety -----------------------------------------------------------------

WELCOME = N_(
    "Hello! I guide you through short self-massage and stretching routines: I tell you what "
    "to do, time every hold and say when to switch sides and when to release."
)
NOT_MEDICAL_ADVICE = N_(
    "<b>Please note:</b> this is not a medical device and not medical advice. If something "
    "hurts a lot, keeps getting worse or worries you, see a doctor or physiotherapist."
)
SCREENING_INTRO = N_(
    "First, one quick safety checklist. Your answers stay private (only the names of what you "
    "tick are kept); you can see or change them any time with /screening."
)
KIND_HEADINGS: dict[ConditionKind, str] = {
    "stop": N_("🛑 <b>Not today</b> (get it checked first)"),
    "ask_first": N_("⚠️ <b>Ask your clinician first</b>"),
    "adapt": N_("🔧 <b>Changes the routines for you</b>"),
}
KIND_ADVICE: dict[ConditionKind, str] = {
    "stop": N_("No session is offered while this is so."),
    "ask_first": N_("Before each session you confirm that your clinician agreed."),
    "adapt": N_("Routines are changed to suit you; each card says what changed and why."),
}
# Short labels for the toggle buttons (the message lists each in full).
CONDITION_BUTTONS: dict[str, str] = {
    "red_flags": N_("Unexplained or alarming pain"),
    "fever_or_acute_illness": N_("Fever or acute illness"),
    "heart_or_blood_pressure": N_("Heart / blood pressure"),
    "cancer_bone": N_("Cancer"),
    "recent_surgery": N_("Recent surgery"),
    "osteoporosis": N_("Osteoporosis"),
    "pregnancy": N_("Pregnant"),
    "pregnancy_over_20_weeks": N_("Pregnant, past 20 weeks"),
    "bleeding_risk": N_("Blood thinners / bleeding"),
    "varicose_veins": N_("Varicose veins"),
    "nerve_damage": N_("Nerve damage / numbness"),
    "skin_damage": N_("Burns, wounds, treated skin"),
    "age_65_plus": N_("65 or over"),
}
SCREENING_NONE = N_("None of these")
SCREENING_DONE = N_("Done")
SCREENING_ALL_CLEAR = N_("Thank you. Nothing in your answers rules out these routines.")
DURING_SESSION_SAFETY = N_(
    "During any session: stop if the pain turns sharp, shooting, numb or tingling. Never press "
    "on the front of the neck, on the spine itself, or where you feel a pulse."
)
SCREENING_NOT_DONE = N_("You have not answered the safety checklist yet.")
SCREENING_OUTDATED = N_(
    "The safety checklist has changed since you answered it (it now asks about more things, "
    "one by one), so please answer it again."
)
SCREENING_REDO = N_("Change answers")
SCREENING_FIRST = N_("Before your first session, please answer the safety checklist.")
SCREENING_PRIVATE_ONLY = N_(
    "Your safety answers are health data, so I only ask for them and show them in our private "
    'chat: <a href="{link}">open it here</a>.'
)


def _mark(ticked: bool) -> str:
    return "✅" if ticked else "▫️"


def screening_checklist(chosen: Collection[str], *, tr: Translator = EN) -> str:
    """The checklist message: every condition under its group, the ticked ones marked."""
    title = tr.gettext("Safety checklist")  # outside the f-string: the extractor finds it
    lines = [
        f"<b>{title}</b>",
        tr.gettext("Tick everything that applies to you now, then tap Done (or None of these)."),
    ]
    for kind in ("stop", "ask_first", "adapt"):
        lines += ["", tr.gettext(KIND_HEADINGS[kind])]
        lines += [
            f"{_mark(c.name in chosen)} {escape(tr.gettext(c.label))}"
            for c in CONDITIONS
            if c.kind == kind
        ]
    return "\n".join(lines)


def screening_summary(chosen: Collection[str], *, tr: Translator = EN) -> str:
    """The answers and what follows from them."""
    title = tr.gettext("Your safety answers")  # outside the f-string: the extractor finds it
    lines = [f"<b>{title}</b>"]
    ticked = [c for c in CONDITIONS if c.name in chosen]
    if not ticked:
        lines += [
            tr.gettext("None of the listed conditions."),
            "",
            tr.gettext(SCREENING_ALL_CLEAR),
        ]
    for kind in ("stop", "ask_first", "adapt"):
        found = [c for c in ticked if c.kind == kind]
        if found:
            lines += ["", tr.gettext(KIND_HEADINGS[kind])]
            lines += [
                f"• {escape(tr.gettext(c.label))}: {escape(tr.gettext(c.why))}." for c in found
            ]
            lines.append(tr.gettext(KIND_ADVICE[kind]))
    lines += ["", tr.gettext(DURING_SESSION_SAFETY)]
    return "\n".join(lines)
