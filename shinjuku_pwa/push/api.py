"""Public push API: the VAPID key, subscribe and unsubscribe."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from ..core.security import limiter
from .schemas import SubscribeArgs, SubscriptionStateSchema, UnsubscribeArgs, VapidKeySchema
from .subscriptions import remove_subscription, save_subscription
from .vapid import app_vapid, public_key_b64

blp = Blueprint("push-api", __name__, url_prefix="/api/v1/push", description="Web Push subscriptions")


@blp.route("/vapid-public-key")
@blp.response(200, VapidKeySchema)
def vapid_public_key() -> dict[str, str]:
    """The applicationServerKey for PushManager.subscribe()."""
    return {"public_key": public_key_b64(app_vapid(current_app))}


def _subscribe_limit() -> str:
    return current_app.config["PUSH_SUBSCRIBE_LIMIT_PER_IP"]


@blp.route("/subscriptions", methods=["POST"])
@limiter.limit(_subscribe_limit)
@blp.arguments(SubscribeArgs)
@blp.response(201, SubscriptionStateSchema)
@blp.alt_response(200, schema=SubscriptionStateSchema, description="The same endpoint again: topics and language updated")
@blp.alt_response(422, description="Invalid subscription, topic or language: the endpoint must be https on a browser "
                                   "push service, the keys a real P-256 public key and a 16-byte auth secret")
@blp.alt_response(429, description="Too many subscriptions from this address (PUSH_SUBSCRIBE_LIMIT_PER_IP)")
def subscribe(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Subscribe a browser to topics, in a language (re-posting the same endpoint updates it)."""
    row, created = save_subscription(data, dt.datetime.now(dt.UTC))
    return SubscriptionStateSchema().dump({"topics": row.topics, "lang": row.lang}), 201 if created else 200


@blp.route("/subscriptions", methods=["DELETE"])
@blp.arguments(UnsubscribeArgs)
@blp.response(204)
def unsubscribe(data: dict[str, Any]) -> None:
    """Forget a browser's subscription."""
    remove_subscription(data["endpoint"])
