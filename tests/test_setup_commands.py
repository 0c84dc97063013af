"""The README's two commands are what the Makefile provides, and CI runs the test one."""
from __future__ import annotations

import re

from shinjuku_pwa.core.config import PROJECT_ROOT


def test_the_readme_first_screen_gives_make_run_and_make_test():
    first_screen = "\n".join((PROJECT_ROOT / "README.md").read_text().splitlines()[:15])
    assert "make run" in first_screen and "make test" in first_screen


def test_the_makefile_has_run_and_test_targets_that_set_everything_up():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    targets = dict(re.findall(r"^([a-z-]+):(.*)$", makefile, flags=re.M))
    assert "setup" in targets["run"] and "gunicorn" in makefile
    assert "install" in targets["test"] and "pytest" in makefile
    setup_steps = targets["setup"]
    for step in ("install", "compile-translations", "db", "content"):
        assert step in setup_steps
    assert "db upgrade" in makefile and "content import" in makefile


def test_ci_runs_the_readme_test_command_on_sqlite_and_postgresql():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert ci.count("make test") >= 2
    assert "DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test make test" in ci
