"""Shinjuku City resident information service.

`flask --app shinjuku_pwa` finds the factory here; the package's layers are described in
README.md ("How the code is organised") and checked by import-linter (pyproject.toml).
"""
from .app.factory import create_app

__all__ = ["create_app"]
