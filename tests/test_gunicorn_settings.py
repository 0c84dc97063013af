"""gunicorn.conf.py's hooks, called as gunicorn calls them."""
from __future__ import annotations

import gc
import runpy

from shinjuku_pwa.core.config import PROJECT_ROOT


def test_a_worker_that_has_loaded_the_app_hides_its_objects_from_the_garbage_collector():
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
