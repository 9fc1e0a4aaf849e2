"""Reading a bundle's files: a folder or a .zip, UTF-8 text, CSV rows with their line numbers, and the header's columns."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from award.models import Channel
from channels_app.bundle.format import BUNDLE_FILES, EDITION_FILE, WHOLE_ROW, BundleError, Problem


def read_bundle(path: Path) -> dict[str, bytes]:
    """The bundle's files by name, from a folder or a .zip of that folder."""
    path = Path(path)
    if path.is_dir():
        return {name: (path / name).read_bytes() for name in BUNDLE_FILES if (path / name).is_file()}
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            return _read_zip(path)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:
            raise BundleError.one(str(path), f"the .zip file cannot be read ({error})") from None
    raise BundleError.one(str(path), "not a folder or a .zip file")


def _read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        # The files sit at the top of the archive or in one folder, never in several.
        folders = {str(Path(name).parent) for name in names if Path(name).name == EDITION_FILE and len(Path(name).parts) <= 2}
        if len(folders) > 1:
            raise BundleError.one(
                str(path), f"{EDITION_FILE}: found in several folders ({', '.join(sorted(folders))}): one bundle per archive"
            )
        folder = folders.pop() if folders else "."
        wanted = {str(Path(folder) / name) if folder != "." else name: name for name in BUNDLE_FILES}
        return {wanted[name]: archive.read(name) for name in names if name in wanted}


def text_of(name: str, content: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is allowed), without NUL characters."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise BundleError.one(name, f"file is not UTF-8 ({error.reason})", line=line) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BundleError.one(name, "file contains a NUL character", line=line)
    return text


@dataclass(frozen=True)
class Row:
    """One row of a CSV file: its cells by column, or the problem that makes it no row at all."""

    line: int  # where it starts; the header is line 1
    cells: dict[str, str]
    problem: Problem | None = None


def csv_rows(name: str, content: bytes) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows; a row's line is where it starts (the header is line 1)."""
    reader = csv.reader(io.StringIO(text_of(name, content), newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise BundleError.one(name, "file is empty: a header row is required", line=1) from None
    except csv.Error as error:
        raise BundleError.one(name, str(error), line=1) from None

    def rows() -> Iterator[Row]:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise BundleError.one(name, str(error), line=start) from None
            if not cells:
                pass  # a blank line
            elif not any(cell.strip() for cell in cells):
                yield Row(start, {}, Problem(start, WHOLE_ROW, "every cell is empty"))
            elif len(cells) != len(header):
                yield Row(start, {}, Problem(start, WHOLE_ROW, f"has {len(cells)} cells, the header has {len(header)}"))
            else:
                yield Row(start, dict(zip(header, cells, strict=True)))
            start = reader.line_num + 1

    return header, rows()


def header_problems(header: list[str], required: tuple[str, ...], allowed: set[str]) -> list[Problem]:
    problems = [Problem(1, column, "missing column") for column in required if column not in header]
    for column in header:
        if column not in allowed:
            channel = column.split(".", 1)[0]
            if "." in column and channel in Channel.values:
                problems.append(Problem(1, column, f"no such question in the {channel} questionnaire"))
            else:
                problems.append(Problem(1, column, "unknown column"))
    problems += [Problem(1, column, "column appears more than once") for column, n in Counter(header).items() if n > 1]
    return problems
