"""Browser push subscriptions and the delivery queue (the database is the queue)."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.database import UtcDateTime
from ..core.extensions import Model


class PushSubscription(Model):
    """One browser's subscription. The endpoint is a secret: never shown by any API or log."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    endpoint_origin: Mapped[str] = mapped_column(String(300), index=True)  # what logs may show
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    topics: Mapped[list] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class DeliveryState(str, enum.Enum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker, under lease
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    GONE = "gone"  # the push service says the subscription no longer exists


class Delivery(Model):
    """One notice to one subscription; created when the notice goes out."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "subscription_id", name="uq_delivery_notice_subscription"),
        Index("ix_push_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    # Kept when the subscription is deleted (410 Gone), so the counts stay true.
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, name="delivery_state", native_enum=False, length=16,
             values_callable=lambda members: [m.value for m in members]),
        default=DeliveryState.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
