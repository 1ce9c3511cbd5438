"""Reading a students CSV file (DESIGN section 4): bytes to lines, lines to rows, with every
unreadable part reported as a rejected row (line, column, reason). UTF-8 (a BOM is fine),
comma- or semicolon-separated, a header naming the columns in any order."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from tracker.students.records import (
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    FieldError,
    field_error,
)

_CHUNK_SIZE = 1 << 16
# Bytes that never occur in a text file; their presence means a spreadsheet, an image, a zip.
_BINARY_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1A)) | {0x1C, 0x1D}


@dataclass(frozen=True)
class RejectedRow:
    """One problem of one row: `line` is the physical line in the file (header = 1)."""

    line: int
    column: str
    reason: str
    error: FieldError | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, line: int, error: FieldError) -> RejectedRow:
        return cls(line, error.field, error.message("en"), error)

    def message(self, lang: str | None) -> str:
        """The reason in `lang` (the web page shows French or English)."""
        return self.error.message(lang) if self.error is not None else self.reason

    def describe(self, lang: str | None = "en") -> str:
        if self.column:
            return f"line {self.line}, column {self.column}: {self.message(lang)}"
        return f"line {self.line}: {self.message(lang)}"



class Unreadable(Exception):
    def __init__(self, error: FieldError) -> None:
        super().__init__(error.code)
        self.error = error

    def __reduce__(self) -> tuple[type[Unreadable], tuple[FieldError]]:
        # Raised in the reading process, re-raised in the importing one (read_ahead).
        return Unreadable, (self.error,)


def _byte_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The file's lines (ends kept), read in chunks; refuses binary files from the first
    chunk so that a PNG or an .xlsx is called what it is rather than "not UTF-8"."""
    first = True
    rest = b""
    while chunk := stream.read(_CHUNK_SIZE):
        if first:
            first = False
            if any(byte in _BINARY_BYTES for byte in chunk[:4096]):
                raise Unreadable(field_error("file", "error.csv_binary"))
        rest += chunk
        lines = rest.split(b"\n")
        rest = lines.pop()
        for line in lines:
            yield line + b"\n"
    if rest:
        yield rest


def _text_lines(stream: BinaryIO) -> Iterator[str]:
    """UTF-8 lines, BOM removed. A line is decoded whole: a newline byte never occurs inside a
    UTF-8 multi-byte sequence, so no character is ever cut."""
    offset = 0
    for number, raw in enumerate(_byte_lines(stream), start=1):
        data = raw
        if number == 1 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
            offset += len(codecs.BOM_UTF8)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unreadable(field_error(
                "file", "error.not_utf8", position=offset + exc.start, line=number,
            )) from exc
        if "\x00" in text:
            raise Unreadable(field_error("file", "error.csv_binary"))
        offset += len(data)
        yield text


def _delimiter(header_line: str) -> str:
    """Comma or semicolon, whichever separates the header (French Excel writes semicolons)."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _check_header(names: list[str]) -> list[str]:
    header = [name.strip().lower() for name in names]
    known = set(CSV_COLUMNS)
    unknown = [
        name if name else f"(empty, column {index})"
        for index, name in enumerate(header, start=1) if name not in known
    ]
    if unknown:
        raise Unreadable(field_error("file", "error.unknown_columns",
                                      columns=", ".join(unknown)))
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise Unreadable(field_error("file", "error.duplicate_columns",
                                      columns=", ".join(repeated)))
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise Unreadable(field_error("file", "error.missing_columns",
                                      columns=", ".join(missing)))
    return header


Row = tuple[int, dict[str, str]]


def csv_rows(stream: BinaryIO, rejected: list[RejectedRow]) -> Iterator[Row]:
    """(line number, {column: text}) for each data row; rows with the wrong number of values
    go to `rejected`. Raises Unreadable when the file as a whole cannot be read."""
    lines = _text_lines(stream)
    header_line = next(lines, None)
    if header_line is None or not header_line.strip():
        raise Unreadable(field_error("file", "error.csv_empty"))

    def all_lines() -> Iterator[str]:
        yield header_line
        yield from lines

    reader = csv.reader(all_lines(), delimiter=_delimiter(header_line), strict=False)
    try:
        header = _check_header(next(reader))
        last_line = reader.line_num
        for values in reader:
            # A quoted value may span lines: the row starts on the line after the previous one.
            line, last_line = last_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue  # Blank lines and ";;;;" lines that spreadsheets leave at the end.
            if len(values) != len(header):
                column = header[len(values)] if len(values) < len(header) else header[-1]
                error = field_error("row", "error.wrong_field_count", found=len(values),
                                    expected=len(header))
                rejected.append(RejectedRow(line, column, error.message("en"), error))
                continue
            yield line, dict(zip(header, values, strict=True))
    except csv.Error as exc:
        raise Unreadable(field_error("file", "error.not_csv", reason=str(exc))) from exc


