"""The JSON API under /api/v1 and its OpenAPI document at /api/v1/openapi.json."""
from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask import g, request
from flask_smorest import Api
from marshmallow import fields

from ..admin.api import blp as admin_api
from ..admin.api import document_security as document_staff_security
from ..admin.notices_api import blp as notices_api
from ..admin.notices_api import templates_blp as notice_templates_api
from ..core.errors import locale_of_request
from ..garbage.api import blp as garbage_api
from ..pages.api import blp as pages_api
from ..procedures.api import blp as procedures_api
from ..push.api import blp as push_api
from ..search.api import blp as search_api


class JsonApi(Api):
    """flask-smorest without its app-wide error handlers: errors.py answers for the whole app."""

    def _register_error_handlers(self) -> None:
        pass


def _set_api_locale() -> None:
    # Validation messages are produced before any view runs: pick the reader's language first.
    if request.path.startswith("/api/"):
        g.lang = locale_of_request()


def _closed_maps(converter: Any, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
    """A map whose keys the document lists (texts per language) allows no other key; apispec would
    otherwise describe any key with the values' schema."""
    if isinstance(field, fields.Dict) and "properties" in field.metadata:
        return {"additionalProperties": False}
    return {}


class ReaderLanguagePlugin(BasePlugin):
    """Lists Accept-Language beside every optional `lang` query parameter (ReaderLangField): the
    header chooses the answer's language when `lang` is left out."""

    HEADER = {
        "in": "header", "name": "Accept-Language", "required": False, "schema": {"type": "string"},
        "description": "Used when `lang` is not given and no `lang` cookie names one of the site's languages: "
                       "the first language listed (by q) that the site has, else ja.",
    }

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        # Runs after the marshmallow plugin has expanded the argument schemas into parameters.
        for operation in (operations or {}).values():
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "query" and p.get("name") == "lang" and not p.get("required") for p in parameters):
                parameters.append(dict(self.HEADER))


def init_api(app) -> JsonApi:
    app.before_request(_set_api_locale)
    api = JsonApi(app, spec_kwargs={
        "info": {"description": "Shinjuku City resident information, in nine languages."},
        "extra_plugins": [ReaderLanguagePlugin()],
    })
    api.ma_plugin.converter.add_attribute_function(_closed_maps)
    api.register_blueprint(pages_api)
    api.register_blueprint(push_api)
    api.register_blueprint(procedures_api)
    api.register_blueprint(search_api)
    api.register_blueprint(garbage_api)
    document_staff_security(api)
    api.register_blueprint(admin_api)
    api.register_blueprint(notices_api)
    api.register_blueprint(notice_templates_api)
    app.extensions["json_api"] = api
    return api
