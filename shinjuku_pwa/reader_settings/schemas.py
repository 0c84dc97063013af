"""Input of the reader settings form."""
from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from ..core.api_fields import InputSchema
from .preferences import CONTRASTS, FURIGANA_CHOICES, TEXT_SIZES


class ReaderSettingsArgs(InputSchema):
    """Every choice is optional: a missing one keeps what the reader had (a form may send one)."""

    class Meta:
        unknown = EXCLUDE  # the CSRF token and the return path are read elsewhere

    text_size = fields.String(load_default=None, validate=validate.OneOf(TEXT_SIZES))
    contrast = fields.String(load_default=None, validate=validate.OneOf(CONTRASTS))
    furigana = fields.String(load_default=None, validate=validate.OneOf(FURIGANA_CHOICES))
    # The page the reader came from (checked to be a path on this site before use).
    return_to = fields.String(data_key="next", load_default=None, validate=validate.Length(max=2000))
