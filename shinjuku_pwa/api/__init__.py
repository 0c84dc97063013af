"""The JSON API under /api/v1 and its OpenAPI document at /api/v1/openapi.json."""
from __future__ import annotations

from flask_smorest import Api

from ..api_fields import translate_marshmallow_messages
from ..pages.api import blp as pages_api


class JsonApi(Api):
    """flask-smorest without its app-wide error handlers: errors.py answers for the whole app."""

    def _register_error_handlers(self):
        pass


def init_api(app) -> JsonApi:
    translate_marshmallow_messages()
    api = JsonApi(app, spec_kwargs={"info": {"description": "Shinjuku City resident information, in nine languages."}})
    api.register_blueprint(pages_api)
    app.extensions["json_api"] = api
    return api
