"""The URL map, remembering the paths it has built.

A checklist builds four paths per request (its own, its calendar's, the page in another language,
the reader settings' return address) and werkzeug builds each from scratch: the rule looked up, its
converters run, the query encoded: about 8 of a url_for's 14 microseconds on these machines. The same
endpoint with the same values always gives the same path, so each path is built once per process.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.routing import Map, MapAdapter

# Distinct paths kept per process: far more than the app's pages in every language, and a bound,
# since values can come from what a reader sent (a checklist's answers ride in its query string).
BUILT_PATHS_MAX = 8192


class RememberingMap(Map):
    """A Map whose adapters remember the paths they build (RememberingMapAdapter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.built_paths: dict[tuple, str] = {}

    def bind(self, *args: Any, **kwargs: Any) -> MapAdapter:
        return self._remembering(super().bind(*args, **kwargs))

    def bind_to_environ(self, *args: Any, **kwargs: Any) -> MapAdapter:
        # werkzeug's bind_to_environ calls Map.bind itself, not self.bind.
        return self._remembering(super().bind_to_environ(*args, **kwargs))

    def _remembering(self, adapter: MapAdapter) -> RememberingMapAdapter:
        return RememberingMapAdapter(
            self, adapter.server_name, adapter.script_name, adapter.subdomain, adapter.url_scheme,
            adapter.path_info, adapter.default_method, adapter.query_args,
        )


class RememberingMapAdapter(MapAdapter):
    """Builds a path (not an absolute URL) once per script root, subdomain, endpoint and values.

    Only paths are remembered: an absolute URL carries the request's host, which is the client's
    to choose. Values that cannot be a dict key (a list for a repeated query parameter) are built
    every time."""

    map: RememberingMap

    def build(self, endpoint: Any, values: Mapping[str, Any] | None = None, method: str | None = None,
              force_external: bool = False, append_unknown: bool = True, url_scheme: str | None = None) -> str:
        # A MultiDict (a dict too) may hold several values per key: built every time.
        if force_external or self.map.host_matching or (values is not None and type(values) is not dict):
            return super().build(endpoint, values, method, force_external, append_unknown, url_scheme)
        key = (self.script_name, self.subdomain, endpoint, method, append_unknown,
               tuple(values.items()) if values else ())
        built = self.map.built_paths
        try:
            return built[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value
            return super().build(endpoint, values, method, force_external, append_unknown, url_scheme)
        path = super().build(endpoint, values, method, force_external, append_unknown, url_scheme)
        if path.startswith("/") and not path.startswith("//"):  # a path on this host, not a URL
            if len(built) >= BUILT_PATHS_MAX:
                built.clear()
            built[key] = path
        return path
