"""The JSON API under /api/v1 and its OpenAPI document at /api/v1/openapi.json."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Api

from ..errors import locale_of_request
from ..pages.api import blp as pages_api


class JsonApi(Api):
    """flask-smorest without its app-wide error handlers: errors.py answers for the whole app."""

    def _register_error_handlers(self):
        pass


def _set_api_locale() -> None:
    # Validation messages are produced before any view runs: pick the reader's language first.
    if request.path.startswith("/api/"):
        g.lang = locale_of_request()


def init_api(app) -> JsonApi:
    app.before_request(_set_api_locale)
    api = JsonApi(app, spec_kwargs={"info": {"description": "Shinjuku City resident information, in nine languages."}})
    api.register_blueprint(pages_api)
    app.extensions["json_api"] = api
    return api
