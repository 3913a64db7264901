"""Deprecated location of the config schema: use :mod:`toolkit.experiment.schema`."""

from toolkit.experiment.schema import *  # noqa: F403
from toolkit.experiment.schema import ThemeDefinition, ThemeSettings, TopicsConfig

__all__ = ["ThemeDefinition", "ThemeSettings", "TopicsConfig"]
