"""How the app's templates render (core/templating.py, LeanTemplate): a page lets go of what
it was given as the render ends, not at the garbage collector's next pass; imported macros are built
once."""
from __future__ import annotations

import gc
import weakref

from jinja2 import BaseLoader


class Payload:
    pass


def test_a_template_with_macros_lets_go_of_its_values_when_the_render_ends(app):
    payload = Payload()
    gone = weakref.ref(payload)
    template = app.jinja_env.from_string(
        "{% macro line() %}<p>{{ payload.__class__.__name__ }}</p>{% endmacro %}{{ line() }}")
    gc.disable()
    try:
        assert template.render(payload=payload) == "<p>Payload</p>"
        del payload
        assert gone() is None  # freed by its reference count, with the collector off
    finally:
        gc.enable()



def test_a_macro_module_imported_without_context_is_built_once_and_sees_the_importers_extra_globals(app):
    built = []
    app.jinja_env.globals["built"] = lambda: built.append(1) or ""
    loader = app.jinja_env.loader
    source = '{{ built() }}{% macro hello(name) %}Hello {{ name }}{{ extra or "" }}{% endmacro %}'
    app.jinja_env.loader = _Overlay(loader, {"_test_macros.html": source})
    try:
        importer = app.jinja_env.from_string('{% from "_test_macros.html" import hello %}{{ hello("Shinjuku") }}')
        assert [importer.render() for _ in range(3)] == ["Hello Shinjuku"] * 3
        assert len(built) == 1  # the module, built on the first import, then kept
        # A template with a global of its own that the module lacks: Jinja builds the module for it.
        with_extra = app.jinja_env.from_string('{% from "_test_macros.html" import hello %}{{ hello("Shinjuku") }}',
                                               globals={"extra": "!"})
        assert with_extra.render() == "Hello Shinjuku!"
        assert importer.render() == "Hello Shinjuku"
    finally:
        app.jinja_env.loader = loader
        del app.jinja_env.globals["built"]


class _Overlay(BaseLoader):
    """The app's templates, and a few more given here."""

    def __init__(self, under: BaseLoader, sources: dict[str, str]) -> None:
        self.under, self.sources = under, sources

    def get_source(self, environment, template):
        if template in self.sources:
            return self.sources[template], None, lambda: True
        return self.under.get_source(environment, template)


def test_a_render_sees_its_own_values_over_the_templates_globals_over_the_apps(app):
    app.jinja_env.globals["where"] = "app"
    try:
        plain = app.jinja_env.from_string("{{ where }}|{{ late }}")
        own = app.jinja_env.from_string("{{ where }}", globals={"where": "template"})
        assert plain.render() == "app|"
        app.jinja_env.globals["late"] = "added later"  # seen by templates made before
        assert plain.render() == "app|added later"
        assert own.render() == "template"
        assert own.render(where="render") == "render"
    finally:
        app.jinja_env.globals.pop("where", None)
        app.jinja_env.globals.pop("late", None)


def test_templates_are_kept_in_a_plain_dict_so_a_lookup_moves_nothing(app):
    # Jinja's default LRU reorders a deque on every hit, comparing keys one by one.
    with app.test_request_context("/en/"):
        first = app.jinja_env.get_template("base.html")
        assert app.jinja_env.get_template("base.html") is first
    assert type(app.jinja_env.cache) is dict
    assert first in app.jinja_env.cache.values()
