"""Progress bars that one switch silences (``toolkit --quiet``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")

_QUIET: bool | None = None  # None: follow the TOOLKIT_QUIET environment variable
#: Seconds between two updates of a bar written to a file or pipe (a batch job's log, CI):
#: there every redraw stays in the log, where a terminal overwrites it in place.
LOG_INTERVAL = 30.0


def set_quiet(quiet: bool | None) -> None:
    """Silence (``True``) or restore (``False``) progress; ``None`` follows $TOOLKIT_QUIET."""
    global _QUIET
    _QUIET = quiet


def is_quiet() -> bool:
    """Whether progress output is switched off."""
    if _QUIET is not None:
        return _QUIET
    return os.environ.get("TOOLKIT_QUIET", "") not in ("", "0")


def min_interval() -> float:
    """Seconds between bar updates: tqdm's 0.1 on a terminal or in a notebook, where a bar is
    redrawn in place, :data:`LOG_INTERVAL` when stderr is a file or a pipe.

    >>> import io, sys
    >>> terminal, sys.stderr = sys.stderr, io.StringIO()
    >>> min_interval()
    30.0
    >>> sys.stderr = terminal
    """
    if tqdm.__module__.startswith("tqdm.notebook"):
        return 0.1
    isatty = getattr(sys.stderr, "isatty", None)
    return 0.1 if isatty is not None and isatty() else LOG_INTERVAL


def _settings() -> dict[str, object]:
    return {
        "disable": is_quiet(),
        "leave": False,
        "file": sys.stderr,
        "mininterval": min_interval(),
    }


def progress(
    iterable: Iterable[T], desc: str, total: int | None = None, unit: str = "it"
) -> Iterator[T]:
    """Wrap ``iterable`` in a progress bar on stderr unless quiet (in a log: one line at most
    every :data:`LOG_INTERVAL` seconds)."""
    yield from tqdm(iterable, desc=desc, total=total, unit=unit, **_settings())


def bar(total: int, desc: str, unit: str = "it") -> tqdm:
    """A manual progress bar (``with bar(n, "encoding") as b: b.update(k)``)."""
    return tqdm(total=total, desc=desc, unit=unit, **_settings())


def status(message: str) -> None:
    """Print a one-line status message on stderr unless quiet."""
    if not is_quiet():
        print(message, file=sys.stderr, flush=True)


def quiet_libraries() -> None:
    """When quiet, silence the progress bars that transformers and the hub print themselves
    (loading weights), which would otherwise mix into ``--json`` output on a terminal."""
    if not is_quiet():
        return
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # transformers is only needed by the model backends
        return
    transformers_logging.disable_progress_bar()
