"""The format's fixed vocabularies, importable without loading the model (start-up stays light)."""

CATEGORIES = (
    "upset-patient", "wait-times", "scheduling", "billing", "insurance", "difficult-news",
    "privacy", "emergency", "feedback", "team-care", "language-access", "safety",
)
DIFFICULTIES = ("beginner", "intermediate", "advanced")
OUTCOMES = ("resolved", "partial", "escalated", "referred", "failed")
DEFAULT_SKILLS = ("empathy", "de-escalation", "privacy", "resolution")
