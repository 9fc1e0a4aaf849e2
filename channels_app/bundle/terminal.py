"""A progress bar for the import commands on a terminal; nothing at all when the output is not one (a log, a pipe, CI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

from channels_app.bundle.contacts import Progress


@contextmanager
def terminal_progress(out: TextIO, description: str) -> Iterator[Progress | None]:
    """A callback for the import's progress (bytes read of all), drawn as a bar on `out` if it is a terminal."""
    if not out.isatty():
        yield None
        return
    # Drawn at each batch (a few a second at most): no need for tqdm to hold updates back.
    with tqdm(total=0, desc=description, unit="B", unit_scale=True, file=out, leave=False, mininterval=0) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield advance
