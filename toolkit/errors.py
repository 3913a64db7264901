"""Exceptions the toolkit raises for bad input; each message names the file, line, id or key."""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class of every error the toolkit reports to a user."""


class CorpusError(ToolkitError):
    """Unreadable corpus input: missing file, bad encoding, malformed row, duplicate id."""


class ConfigError(ToolkitError):
    """An invalid experiment config: unknown key, wrong type, impossible value, unset variable."""


class ModelNotFoundError(ToolkitError):
    """An embedding model that cannot be found locally (and cannot be downloaded here)."""


class RunError(ToolkitError):
    """A run folder that is missing, incomplete, or lacks the artifact a query needs."""


class ToolkitWarning(UserWarning):
    """Something a user should know that does not stop the work (a setting that was lowered,
    an ambiguous seed); the runner prints these at the end of a run and keeps them in the
    manifest."""
