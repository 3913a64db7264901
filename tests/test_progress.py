"""Progress output: a bar redraws in place on a terminal and writes sparingly into a log."""

from __future__ import annotations

import io
import itertools

import pytest
import tqdm.std

from toolkit import progress as progress_module
from toolkit.progress import LOG_INTERVAL, min_interval, progress, set_quiet


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def updates(stream: io.StringIO) -> int:
    return stream.getvalue().count("\r")


@pytest.mark.parametrize("stream", [io.StringIO(), Terminal()], ids=["log", "terminal"])
def test_a_bar_in_a_log_writes_once_per_log_interval_a_terminal_often(
    stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every item takes one second of a clock tqdm reads: 300 seconds of work
    clock = itertools.count()
    monkeypatch.setattr(tqdm.std, "time", lambda: float(next(clock)))
    monkeypatch.setattr(progress_module.sys, "stderr", stream)
    set_quiet(False)
    try:
        assert list(progress(range(300), "work")) == list(range(300))
    finally:
        set_quiet(True)
    if isinstance(stream, Terminal):
        assert min_interval() < 1 and updates(stream) > 100
    else:
        assert min_interval() == LOG_INTERVAL
        # the first and last states and about one line per 30 seconds in between
        assert 5 <= updates(stream) <= 300 / LOG_INTERVAL + 3


def test_quiet_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", stream)
    set_quiet(True)
    assert list(progress(range(3), "work")) == [0, 1, 2]
    assert stream.getvalue() == ""
