"""Writing the files a command is asked to produce (``--output FILE``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from redline.archive.core.errors import InputError


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole: a reader sees the old file or the new one."""
    folder = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise InputError(
            f"cannot write {path} ({exc.strerror or exc}); check that its folder exists "
            "and is writable"
        ) from None
