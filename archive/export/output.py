"""Writing an export's output all at once: into a temporary name beside it, renamed
into place when complete, so a failed export leaves nothing half-written."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from redline.archive.core.errors import UsageError


def check_new(path: Path) -> None:
    """Refuse an output that exists, or whose folder does not."""
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} already exists; give the name of a new file or folder")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent} is not a folder; create it or give another --output")


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.part-{os.getpid()}")


@contextmanager
def new_file(path: Path) -> Iterator[BinaryIO]:
    """A file open for writing that appears at ``path`` only once it is complete."""
    check_new(path)
    part = _temporary(path)
    try:
        with part.open("wb") as handle:
            yield handle
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


@contextmanager
def new_folder(path: Path) -> Iterator[Path]:
    """A folder to fill that appears at ``path`` only once it is complete."""
    check_new(path)
    part = _temporary(path)
    part.mkdir()
    try:
        yield part
        os.replace(part, path)
    finally:
        if part.exists():
            shutil.rmtree(part)
