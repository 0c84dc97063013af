"""Reading the official datasets' metadata and the evacuation sites."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..core.extensions import db
from .models import EvacuationSite, OpenDataset


def get_dataset(dataset_id: str) -> dict[str, Any] | None:
    """A dataset's metadata as read from its dataset.yaml, or None when it is not imported."""
    row = db.session.get(OpenDataset, dataset_id)
    return dict(row.meta) if row is not None and row.listed else None


def list_datasets() -> list[dict[str, Any]]:
    return [dict(row.meta) for row in db.session.scalars(select(OpenDataset).where(OpenDataset.listed).order_by(OpenDataset.id))]


def list_evacuation_sites() -> list[EvacuationSite]:
    return list(db.session.scalars(select(EvacuationSite).where(EvacuationSite.listed).order_by(EvacuationSite.position)))
