"""Reading a bundle's files: a folder or a .zip, UTF-8 text, CSV rows with their line numbers, and the header's columns."""

from __future__ import annotations

import csv
import io
import lzma
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, cast

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from award.models import Channel
from channels_app.bundle.format import (
    BUNDLE_FILES,
    CONTACTS_FILE,
    CSV_GUARD,
    EDITION_FILE,
    PARTICIPANTS_FILE,
    WHOLE_ROW,
    BundleError,
    Problem,
    csv_unguard,
)

MIB = 1024 * 1024
# docs/bundle-format.md: the largest each file may be, checked before a byte of it is read (in a .zip, by the size
# its entry says it unpacks to; reading never unpacks more than that). Far above any edition's files (the demo's
# are 10 KB, 2 KB and 250 KB), far below what would fill the memory (edition.json and participants.csv are read
# whole) or keep an import busy for hours (contacts.csv is read as a stream).
MAX_FILE_BYTES = {EDITION_FILE: 1 * MIB, PARTICIPANTS_FILE: 16 * MIB, CONTACTS_FILE: 512 * MIB}
MAX_ARCHIVE_ENTRIES = 100  # a bundle's .zip holds three files, a folder, perhaps a README: never thousands
# What unpacking a damaged or unreadable entry raises (zipfile lets each decompressor's own error through).
UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, RuntimeError, NotImplementedError)
DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


class BundleFiles:
    """A bundle's files, from a folder or a .zip of that folder: each read whole (the small ones) or as a stream.

    Use it as a context manager: a .zip stays open until the block ends. Opening it checks, before anything is
    read, that the archive holds what a bundle may (at most MAX_ARCHIVE_ENTRIES entries, each a path inside it)
    and that no file is larger than MAX_FILE_BYTES allows.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._archive: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}  # bundle file name -> its name in the archive
        if self.path.is_dir():
            present = [name for name in BUNDLE_FILES if (self.path / name).exists()]
            problems = {name: [Problem(None, "", _("not a plain file"))] for name in present if not (self.path / name).is_file()}
            for name in present:
                if name not in problems and (size := (self.path / name).stat().st_size) > MAX_FILE_BYTES[name]:
                    problems[name] = [Problem(None, "", too_large(size, MAX_FILE_BYTES[name]))]
            if problems:
                raise BundleError(problems)
            self.names = set(present)
        elif self.path.is_file() and zipfile.is_zipfile(self.path):
            try:
                self._archive = zipfile.ZipFile(self.path)
                self._members = _bundle_members(self.path, self._archive)
            except (*UNPACK_ERRORS, ValueError) as error:  # ValueError: a name that is not UTF-8, say
                self.close()
                raise BundleError.one(str(self.path), _("the .zip file cannot be read (%(error)s)") % {"error": error}) from None
            except BaseException:
                self.close()
                raise
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
        """The file's bytes as a stream; from a .zip, data that cannot be unpacked is a BundleError of that file."""
        if self._archive is None:
            with (self.path / name).open("rb") as stream:
                yield stream
            return
        with _unpacking(name):
            member = self._archive.open(self._members[name])
        with member:
            # Only the stream's own reads are guarded: an error of the code reading it is not the archive's.
            yield cast(BinaryIO, _ArchiveMember(name, member))

    def size(self, name: str) -> int:
        """The file's size in bytes (uncompressed)."""
        if self._archive is None:
            return (self.path / name).stat().st_size
        return self._archive.getinfo(self._members[name]).file_size

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()


def read_bundle(path: Path) -> BundleFiles:
    """The bundle's files, from a folder or a .zip of that folder (close it, or use it in a `with`)."""
    return BundleFiles(path)


def too_large(size: int, limit: int, *, unpacked: bool = False) -> str:
    """Why a file of `size` bytes is refused (MAX_FILE_BYTES); `unpacked` when it is the size a .zip entry declares."""
    values = {"size": size_text(size), "limit": size_text(limit)}
    if unpacked:
        return _("the file unpacks to %(size)s, more than the %(limit)s allowed") % values
    return _("the file is %(size)s, more than the %(limit)s allowed") % values


def size_text(size: int) -> str:
    """A size as people read it: in KiB, MiB or GiB to a tenth, rounded up (so a size over a limit never reads as it)."""
    for unit, scale in (("GiB", 1024 * MIB), ("MiB", MIB), ("KiB", 1024)):
        if size >= scale:
            tenths = -(-size * 10 // scale)
            return f"{number_format(Decimal(tenths) / 10, decimal_pos=0 if tenths % 10 == 0 else 1)} {unit}"
    return ngettext("%(n)s byte", "%(n)s bytes", size) % {"n": size}


@contextmanager
def _unpacking(name: str) -> Iterator[None]:
    """A .zip entry that cannot be opened or unpacked (damaged data, a bad CRC, cut short) is a problem of that file."""
    try:
        yield
    except UNPACK_ERRORS as error:
        reason = _("cannot be unpacked from the .zip file, which is damaged (%(error)s)") % {
            "error": str(error) or type(error).__name__
        }
        raise BundleError.one(name, reason) from None


class _ArchiveMember:
    """A file's stream from a .zip, whose reads raise a BundleError of that file when its data cannot be unpacked."""

    def __init__(self, name: str, stream: IO[bytes]) -> None:
        self._name = name
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        with _unpacking(self._name):
            return self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        with _unpacking(self._name):
            return self._stream.readline(size)


def _entry_problem(name: str) -> str:
    """Why an archive's entry is no plain path inside it, or ''.

    Nothing here writes an entry to disk, but a name that would land outside its folder when unpacked marks an
    archive made to attack, and such an archive is refused whole.
    """
    if "\\" in name:
        return _("the entry “%(name)s” has a backslash in its name: folders in a .zip are separated by /") % {"name": name}
    if name.startswith("/"):
        return _("the entry “%(name)s” is an absolute path: every entry must be a path inside the archive") % {"name": name}
    if DRIVE_LETTER.match(name):
        return _("the entry “%(name)s” starts with a drive letter: every entry must be a path inside the archive") % {
            "name": name
        }
    if ".." in PurePosixPath(name).parts:
        return _("the entry “%(name)s” leads out of its folder (..): every entry must be a path inside the archive") % {
            "name": name
        }
    return ""


def _bundle_members(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    """The archive's bundle files (their names in it by bundle file name), once the archive is known to be a sane one."""
    infos = archive.infolist()
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        reason = ngettext(
            "the .zip file holds %(n)s entry: a bundle's archive holds at most %(max)s",
            "the .zip file holds %(n)s entries: a bundle's archive holds at most %(max)s",
            len(infos),
        ) % {"n": len(infos), "max": MAX_ARCHIVE_ENTRIES}
        raise BundleError.one(str(path), reason)
    for info in infos:
        if reason := _entry_problem(info.filename):
            raise BundleError.one(str(path), reason)
    for name, n in Counter(info.filename for info in infos).items():
        if n > 1:  # which of them would be read is zipfile's choice, not the one a person opening the archive sees
            raise BundleError.one(str(path), _("the entry “%(name)s” appears more than once in the .zip file") % {"name": name})
    names = [info.filename for info in infos if not info.is_dir()]
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
    members = {wanted[name]: name for name in names if name in wanted}
    problems: dict[str, list[Problem]] = {}
    for name, member in members.items():
        info = archive.getinfo(member)
        if info.flag_bits & 0x1:  # the zip format's "encrypted" flag: unpacking would ask for a password
            problems[name] = [Problem(None, "", _("the file is encrypted in the .zip file: make the archive without a password"))]
        elif info.file_size > MAX_FILE_BYTES[name]:
            problems[name] = [Problem(None, "", too_large(info.file_size, MAX_FILE_BYTES[name], unpacked=True))]
    if problems:
        raise BundleError(problems)
    return members


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
            raise BundleError.one(name, csv_error_text(error), line=1) from None

    def _lines(self) -> Iterator[str]:
        readline = self._stream.readline
        while raw := readline(MAX_LINE_BYTES + 1):
            self.bytes_read += len(raw)
            self._physical += 1
            line = self._physical
            if line == 1 and not raw.endswith(b"\n") and b"\r" in raw.rstrip(b"\r"):
                raise BundleError.one(self.name, cr_only(), line=1)
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
                raise BundleError.one(self.name, csv_error_text(error), line=start) from None
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
                guarded = any(cell[:1] == CSV_GUARD for cell in cells)  # rare: most rows need no csv_unguard at all
                if guarded:
                    cells = [csv_unguard(cell) for cell in cells]
                yield Row(start, dict(zip(header, cells, strict=True)))
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


def cr_only() -> str:
    return _(
        "the lines end with a carriage return only, as very old Mac programs write: "
        "save the file from your spreadsheet as “CSV UTF-8” and try again"
    )


def csv_error_text(error: csv.Error) -> str:
    """Python's csv error as the reader's language says it (its own text is English and technical)."""
    text = str(error)
    if text.startswith("field larger than field limit"):
        return _("a cell is longer than %(n)s characters") % {"n": number_format(csv.field_size_limit())}
    if text.startswith("unexpected end of data"):
        return _('a quoted cell is not closed: a double quote (") is missing at its end')
    if text.startswith("new-line character seen in unquoted field"):
        return cr_only()
    if "expected after" in text:
        return _('a double quote (") in the middle of a cell: put the whole cell in double quotes and write that quote twice')
    return _("the file is not valid CSV here (%(error)s)") % {"error": text}
