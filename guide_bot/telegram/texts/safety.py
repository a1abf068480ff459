"""The welcome, the not-medical-advice note and the safety screening with what follows."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AVOID_REMINDER",
    "CLINICIAN_REMINDER",
    "DURING_SESSION_SAFETY",
    "NO",
    "NOT_MEDICAL_ADVICE",
    "SCREENING",
    "SCREENING_ALL_CLEAR",
    "SCREENING_FIRST",
    "SCREENING_INTRO",
    "SCREENING_NOT_DONE",
    "SCREENING_REDO",
    "WELCOME",
    "YES",
    "Question",
    "screening_answer_line",
    "screening_question",
    "screening_summary",
]

# --- onboarding and safety -----------------------------------------------------------------

WELCOME = (
    "Hello! I guide you through short self-massage and stretching routines: I tell you what "
    "to do, time every hold and say when to switch sides and when to release."
)
NOT_MEDICAL_ADVICE = (
    "<b>Please note:</b> this is not a medical device and not medical advice. If something "
    "hurts a lot, keeps getting worse or worries you, see a doctor or physiotherapist."
)
SCREENING_INTRO = (
    "First, {count} quick safety questions. Your answers stay private; you can see or change "
    "them any time with /screening."
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Question:
    """A screening question and what follows from a yes."""

    key: str
    text: str
    if_yes: str
    kind: str  # "avoid": do not use on that area; "clinician": ask first


SCREENING: tuple[Question, ...] = (
    Question(
        key="wound_fracture",
        text=(
            "Do you have an <b>open wound</b> or a <b>fracture</b> (a broken or cracked bone, "
            "including one that is still healing)?"
        ),
        if_yes=(
            "Do not press, roll or stretch on or near the wound or fracture. Choose routines "
            "for other areas, or wait until it has healed and a clinician says it is fine."
        ),
        kind="avoid",
    ),
    Question(
        key="medical",
        text=(
            "Do you have any of these: an <b>active infection</b>, <b>cancer</b>, a <b>blood "
            "clot</b> (deep vein thrombosis), <b>local inflammation</b> (hot, red, swollen), "
            "<b>osteomyelitis</b>, <b>myositis ossificans</b>, or another serious medical "
            "condition?"
        ),
        if_yes=(
            "Please ask your doctor or physiotherapist before you use these routines. Pressure "
            "and stretching can do harm with these conditions."
        ),
        kind="clinician",
    ),
    Question(
        key="pregnancy_bones_blood",
        text=(
            "Are you <b>pregnant</b>, do you have <b>osteoporosis</b> (fragile bones), or do you "
            "take <b>blood thinners</b>?"
        ),
        if_yes=(
            "Please ask your doctor, midwife or physiotherapist first, and use only gentle "
            "pressure: bruising and bone injury come more easily."
        ),
        kind="clinician",
    ),
)
SCREENING_ALL_CLEAR = "Thank you. Nothing in your answers rules out these routines."
DURING_SESSION_SAFETY = (
    "During any session: stop if the pain turns sharp, shooting, numb or tingling. Never press "
    "on the front of the neck, on the spine itself, or where you feel a pulse."
)
SCREENING_NOT_DONE = "You have not answered the safety questions yet."
SCREENING_REDO = "Answer again"
SCREENING_FIRST = "Before your first session, please answer the safety questions."
YES = "Yes"
NO = "No"


def screening_question(index: int, question: Question) -> str:
    """One question with its number."""
    return f"<b>Question {index + 1} of {len(SCREENING)}</b>\n{question.text}"


def screening_answer_line(question: Question, yes: bool) -> str:
    """A question's short name with the answer given."""
    names = {
        "wound_fracture": "Open wound or fracture",
        "medical": "Infection, cancer, blood clot, inflammation or other serious condition",
        "pregnancy_bones_blood": "Pregnancy, osteoporosis or blood thinners",
    }
    return f"• {names.get(question.key, question.key)}: <b>{YES if yes else NO}</b>"


def screening_summary(answers: dict[str, bool]) -> str:
    """The answers and what follows from each yes."""
    lines = ["<b>Your safety answers</b>"]
    lines += [screening_answer_line(q, answers.get(q.key, False)) for q in SCREENING]
    advice = [q.if_yes for q in SCREENING if answers.get(q.key)]
    lines.append("")
    lines.extend(advice or [SCREENING_ALL_CLEAR])
    lines += ["", DURING_SESSION_SAFETY]
    return "\n".join(lines)


CLINICIAN_REMINDER = "⚠️ You told me to check with a clinician first: please do, before you start."
AVOID_REMINDER = "⚠️ Keep away from any open wound or fracture."
