"""The import commands' progress bar: drawn on a terminal, nothing at all otherwise (a log, a pipe, CI)."""

from __future__ import annotations

import io

from channels_app.bundle.terminal import terminal_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_that_ends_cleared() -> None:
    out = Terminal()
    with terminal_progress(out, "contacts.csv") as progress:
        assert progress is not None
        progress(50, 200)
        progress(200, 200)

    drawn = out.getvalue()
    assert "contacts.csv:" in drawn and "200/200" in drawn
    assert drawn.endswith("\r")  # left no line behind: the report follows on a clean line


def test_a_file_or_pipe_gets_nothing() -> None:
    out = io.StringIO()
    with terminal_progress(out, "contacts.csv") as progress:
        assert progress is None
    assert out.getvalue() == ""
