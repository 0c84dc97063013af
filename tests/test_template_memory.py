"""A rendered page lets go of what it was given as the render ends, not at the garbage collector's
next pass (core/templating.py, ContextFreeingTemplate)."""
from __future__ import annotations

import gc
import weakref


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

