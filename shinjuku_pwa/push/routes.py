"""The notification settings page: choose topics and language, subscribe, unsubscribe."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..notices.models import TOPICS
from ..notices.topics import DEFAULT_TOPICS, TOPIC_LABELS

bp = Blueprint("push", __name__)


@bp.route("/<locale:lang>/settings/notifications")
def notification_settings(lang: str) -> str:
    """Subscribing needs the browser's push API, so the form is driven by notifications.js."""
    topics = [(topic, TOPIC_LABELS[topic], topic in DEFAULT_TOPICS) for topic in TOPICS]
    return render_template("push/settings.html", topics=topics)
