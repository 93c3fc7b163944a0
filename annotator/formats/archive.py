"""Files in and out: lines with a length limit, zip files read safely, bundles written
as a stream with a SHA-256 per file. No database; only the file system.
"""
from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator


class ArchiveError(ValueError):
    """The file as a whole is refused (a bad zip, a path that escapes, too big)."""


class LineTooLong:
    """Stands for a line over the limit: its bytes are skipped, not kept."""

    def __init__(self, limit: int):
        self.limit = limit

    def __str__(self) -> str:
        return f"the line is longer than the limit of {self.limit:,} bytes."


def iter_lines(stream: BinaryIO, max_bytes: int, chunk: int = 1 << 16
               ) -> Iterator[tuple[int, bytes | LineTooLong]]:
    """(line number, bytes without the line end) for each line of a binary stream.

    A line longer than max_bytes is read through in chunks and given as
    LineTooLong, so that one huge line never sits in memory.
    """
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(chunk)
            yield number, LineTooLong(max_bytes)
            continue
        yield number, line.rstrip(b"\r\n")


# --- Reading zip files --------------------------------------------------------------------

class SafeZip:
    """A zip file whose entries are checked before anything is read from it.

    Refused: names that are absolute, hold "..", a drive or a backslash (zip
    slip), symbolic links, more than max_entries entries, and more than
    max_bytes uncompressed in all (zip bombs). The sizes in the zip's
    directory can lie, so reading counts the bytes really produced too.
    """

    def __init__(self, source: BinaryIO | str | os.PathLike, *, max_bytes: int,
                 max_entries: int = 100_000):
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"not a zip file we can read ({exc}).") from None
        self.max_bytes = max_bytes
        self.read_bytes = 0
        infos = self.zip.infolist()
        if len(infos) > max_entries:
            raise ArchiveError(f"the zip has {len(infos)} entries; the limit is {max_entries}.")
        total = 0
        for info in infos:
            check_entry_name(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ArchiveError(f"{info.filename}: symbolic links are refused.")
            if info.flag_bits & 0x1:
                raise ArchiveError(f"{info.filename}: encrypted entries are refused.")
            total += info.file_size
        if total > max_bytes:
            raise ArchiveError(f"the zip unpacks to {total:,} bytes; the limit is "
                               f"{max_bytes:,}.")
        self.infos = [info for info in infos if not info.is_dir()]

    def names(self) -> list[str]:
        return [info.filename for info in self.infos]

    def open(self, name: str) -> BinaryIO:
        return _Counted(self.zip.open(name), self)

    def read(self, name: str) -> bytes:
        with self.open(name) as handle:
            return handle.read()

    def read_text(self, name: str) -> str:
        return self.read(name).decode("utf-8")

    def close(self) -> None:
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Counted:
    """A zip member that stops with ArchiveError once the whole zip gave max_bytes."""

    def __init__(self, handle, owner: SafeZip):
        self.handle, self.owner = handle, owner

    def _count(self, data: bytes) -> bytes:
        self.owner.read_bytes += len(data)
        if self.owner.read_bytes > self.owner.max_bytes:
            raise ArchiveError(f"the zip unpacks to more than {self.owner.max_bytes:,} bytes.")
        return data

    def read(self, size: int = -1) -> bytes:
        try:
            return self._count(self.handle.read(size))
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ArchiveError(f"a damaged zip entry ({exc}).") from None

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._count(self.handle.readline(size))
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ArchiveError(f"a damaged zip entry ({exc}).") from None

    def close(self):
        self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_entry_name(name: str) -> None:
    if not name or "\x00" in name:
        raise ArchiveError("an entry has an empty name.")
    if "\\" in name:
        raise ArchiveError(f"{name}: backslashes in entry names are refused.")
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/"):
        raise ArchiveError(f"{name}: absolute paths are refused.")
    if ".." in path.parts:
        raise ArchiveError(f"{name}: paths with '..' are refused.")
    if path.parts and ":" in path.parts[0]:
        raise ArchiveError(f"{name}: drive letters are refused.")


def is_zip(stream: BinaryIO) -> bool:
    position = stream.tell()
    try:
        return zipfile.is_zipfile(stream)
    finally:
        stream.seek(position)


# --- Writing bundles ----------------------------------------------------------------------

class _Hashing:
    """A write-only file that hashes and counts what goes through it."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)


class Bundle:
    """Several files written one after the other, each as a stream of str or bytes.

    `files` records name, sha256 and bytes of each (for manifest.json).
    """

    files: list[dict]

    def write(self, name: str, chunks: Iterable[str | bytes], buffer: int = 1 << 16) -> dict:
        check_entry_name(name)
        with self._open(name) as handle:
            hashing = _Hashing(handle)
            pending, size = [], 0
            for chunk in chunks:
                data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                pending.append(data)
                size += len(data)
                if size >= buffer:
                    hashing.write(b"".join(pending))
                    pending, size = [], 0
            if pending:
                hashing.write(b"".join(pending))
        record = {"name": name, "sha256": hashing.sha256.hexdigest(), "bytes": hashing.size}
        self.files.append(record)
        return record

    def _open(self, name: str):
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ZipBundle(Bundle):
    """Files deflated into one zip, entry after entry (zip64 for big ones).

    Level 1: a fifth larger than level 6 on JSON Lines, and deflating is then no longer
    the larger part of an export's time (bench/formats_bench.py).
    """

    def __init__(self, target: str | os.PathLike | BinaryIO, compresslevel: int = 1):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                                   compresslevel=compresslevel)
        self.files = []

    def _open(self, name: str):
        return self.zip.open(name, "w", force_zip64=True)

    def close(self) -> None:
        self.zip.close()


class DirectoryBundle(Bundle):
    """Files in a folder (the management command's choice when OUT is not a .zip)."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.files = []

    def _open(self, name: str):
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("wb")
