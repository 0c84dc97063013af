"""How topics are named to residents (the ids in models.TOPICS never change)."""
from flask_babel import lazy_gettext

TOPIC_LABELS = {
    "disaster": lazy_gettext("Disasters and emergencies"),
    "garbage": lazy_gettext("Garbage and recycling"),
    "childcare": lazy_gettext("Children and childcare"),
    "health": lazy_gettext("Health"),
    "events": lazy_gettext("Events"),
    "general": lazy_gettext("News from the city"),
}
DEFAULT_TOPICS = ("disaster",)
