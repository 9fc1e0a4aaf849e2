"""Reading a bundle's files: a folder or a .zip, UTF-8 text, CSV rows with their line numbers, and the header's columns."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from award.models import Channel
from channels_app.bundle.format import BUNDLE_FILES, EDITION_FILE, WHOLE_ROW, BundleError, Problem, csv_unguard


class BundleFiles:
    """A bundle's files, from a folder or a .zip of that folder: each read whole (the small ones) or as a stream.

    Use it as a context manager: a .zip stays open until the block ends.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._archive: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}  # bundle file name -> its name in the archive
        if self.path.is_dir():
            self.names = {name for name in BUNDLE_FILES if (self.path / name).is_file()}
        elif self.path.is_file() and zipfile.is_zipfile(self.path):
            try:
                self._archive = zipfile.ZipFile(self.path)
                self._members = _bundle_members(self.path, self._archive)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:
                self.close()
                raise BundleError.one(str(self.path), _("the .zip file cannot be read (%(error)s)") % {"error": error}) from None
            self.names = set(self._members)
        else:
            raise BundleError.one(str(self.path), _("not a folder or a .zip file"))

    def __enter__(self) -> BundleFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    def __contains__(self, name: str) -> bool:
        return name in self.names

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        """The file's bytes as a stream."""
        if self._archive is None:
            with (self.path / name).open("rb") as stream:
                yield stream
            return
        try:
            with self._archive.open(self._members[name]) as stream:
                yield cast(BinaryIO, stream)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:
            raise BundleError.one(name, _("cannot be read from the .zip file (%(error)s)") % {"error": error}) from None

    def size(self, name: str) -> int:
        """The file's size in bytes (uncompressed)."""
        if self._archive is None:
            return (self.path / name).stat().st_size
        return self._archive.getinfo(self._members[name]).file_size

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            try:
                return stream.read()
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:
                raise BundleError.one(name, _("cannot be read from the .zip file (%(error)s)") % {"error": error}) from None


def read_bundle(path: Path) -> BundleFiles:
    """The bundle's files, from a folder or a .zip of that folder (close it, or use it in a `with`)."""
    return BundleFiles(path)


def _bundle_members(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    # The files sit at the top of the archive or in one folder, never in several.
    folders = {str(Path(name).parent) for name in names if Path(name).name == EDITION_FILE and len(Path(name).parts) <= 2}
    if len(folders) > 1:
        raise BundleError.one(
            str(path),
            _("%(file)s: found in several folders (%(folders)s): one bundle per archive")
            % {"file": EDITION_FILE, "folders": ", ".join(sorted(folders))},
        )
    folder = folders.pop() if folders else "."
    wanted = {str(Path(folder) / name) if folder != "." else name: name for name in BUNDLE_FILES}
    return {wanted[name]: name for name in names if name in wanted}


def text_of(name: str, content: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is allowed), without NUL characters."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise BundleError.one(name, not_utf8(), line=line) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BundleError.one(name, _("the file contains a NUL character"), line=line)
    return text


@dataclass(frozen=True)
class Row:
    """One row of a CSV file: its cells by column, or the problem that makes it no row at all."""

    line: int  # where it starts; the header is line 1
    cells: dict[str, str]
    problem: Problem | None = None


MAX_LINE_BYTES = 1024 * 1024  # one line of a CSV file; a contact's row is a few hundred bytes


class CsvFile:
    """A CSV file read as a stream: the header, then the rows; `bytes_read` says how far it has come.

    Each line is decoded as UTF-8 on its own (a byte-order mark is allowed at the start), so
    a bad byte or a NUL character is reported with its line, and the file is never held whole.
    """

    def __init__(self, name: str, stream: BinaryIO) -> None:
        self.name = name
        self.bytes_read = 0
        self._stream = stream
        self._physical = 0  # lines read so far
        self._reader = csv.reader(self._lines(), strict=True)
        try:
            self.header = [column.strip() for column in next(self._reader)]
        except StopIteration:
            raise BundleError.one(name, _("the file is empty: a header row is required"), line=1) from None
        except csv.Error as error:
            raise BundleError.one(name, str(error), line=1) from None

    def _lines(self) -> Iterator[str]:
        readline = self._stream.readline
        while raw := readline(MAX_LINE_BYTES + 1):
            self.bytes_read += len(raw)
            self._physical += 1
            line = self._physical
            if len(raw) > MAX_LINE_BYTES:
                raise BundleError.one(
                    self.name, _("the line is longer than %(n)s KiB") % {"n": MAX_LINE_BYTES // 1024}, line=line
                )
            try:
                text = raw.decode("utf-8-sig" if line == 1 else "utf-8")
            except UnicodeDecodeError:
                raise BundleError.one(self.name, not_utf8(), line=line) from None
            if "\x00" in text:
                raise BundleError.one(self.name, _("the file contains a NUL character"), line=line)
            yield text

    def rows(self) -> Iterator[Row]:
        """The rows after the header; a row's line is where it starts (the header is line 1)."""
        header, reader = self.header, self._reader
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise BundleError.one(self.name, str(error), line=start) from None
            if not cells:
                pass  # a blank line
            elif not any(cell.strip() for cell in cells):
                yield Row(start, {}, Problem(start, WHOLE_ROW, _("every cell is empty")))
            elif len(cells) != len(header):
                reason = ngettext(
                    "has %(n)s cell, the header has %(columns)s", "has %(n)s cells, the header has %(columns)s", len(cells)
                ) % {"n": len(cells), "columns": len(header)}
                yield Row(start, {}, Problem(start, WHOLE_ROW, reason))
            else:
                yield Row(start, {column: csv_unguard(cell) for column, cell in zip(header, cells, strict=True)})
            start = reader.line_num + 1


def csv_rows(name: str, content: bytes) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows of a small CSV file held in memory."""
    reader = CsvFile(name, io.BytesIO(content))
    return reader.header, reader.rows()


def header_problems(header: list[str], required: tuple[str, ...], allowed: set[str]) -> list[Problem]:
    problems = [Problem(1, column, _("missing column")) for column in required if column not in header]
    for column in header:
        if column not in allowed:
            channel = column.split(".", 1)[0]
            if "." in column and channel in Channel.values:
                reason = _("no such question in the %(channel)s questionnaire") % {"channel": channel}
                problems.append(Problem(1, column, reason))
            else:
                problems.append(Problem(1, column, _("unknown column")))
    problems += [Problem(1, column, _("the column appears more than once")) for column, n in Counter(header).items() if n > 1]
    return problems


def separator_problem(header: list[str], required: tuple[str, ...]) -> Problem | None:
    """A file saved with semicolons (what a Norwegian or Swedish spreadsheet calls CSV): one problem that says how to fix it."""
    if any(column in header for column in required) or not any(";" in column for column in header):
        return None
    return Problem(
        1,
        "",
        _(
            "the columns are separated by semicolons (;), not commas. In your spreadsheet choose "
            "“Save as” and the type “CSV UTF-8 (comma-separated)”, or set the separator to a comma, and try again."
        ),
    )


def not_utf8() -> str:
    return _("the file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8” and try again")
