"""The document categories of measure 28, by stable slug. Labels and
pictograms live with the interface; the slug is what metadata stores."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "identity",  # identity and residence
    "social",  # social reports and social history: RIS/AMU, resources, reference contact
    "steps",  # steps taken and requests made
    "cpas",  # CPAS letters: acknowledgements, reference address, decisions
    "health",  # health: GP record (DMG), AMU card
    "work",  # work, training, skills and diplomas
    "children",  # children: school enrolment, ONE / Kind & Gezin
    "leisure",  # leisure and clubs
    "story",  # personal story
    "other",
)
