"""The ``toolkit`` command line: a thin face over the Python API."""

from toolkit.cli.app import app, main

__all__ = ["app", "main"]
