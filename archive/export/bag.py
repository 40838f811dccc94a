"""``--format bagit``: a BagIt bag (RFC 8493, written by bagit-python) whose payload is
an OCFL storage root holding the chosen articles' objects, whole: every version of an
article with a chosen version, since an OCFL object is only valid with all of them.
``data/`` validates with ocfl-py like the archive itself; the bag's manifests carry
SHA-256 and SHA-512 of every file."""

from __future__ import annotations

from pathlib import Path

from redline import __version__
from redline.archive.core.layout import OCFL_ROOT
from redline.archive.export.output import new_folder
from redline.archive.export.selection import Selection


def write_bag(selection: Selection, path: Path) -> None:
    import bagit  # only for a bag

    with new_folder(path) as folder:
        root = folder / OCFL_ROOT

        def write(name: str, data: bytes) -> None:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

        selection.archive.copy_objects(selection.urls, write)
        bagit.make_bag(
            str(folder),
            {
                "Bag-Software-Agent": f"redline {__version__}",
                "External-Description": "OCFL objects of articles archived by redline: "
                + ", ".join(selection.urls[:20])
                + (" …" if len(selection.urls) > 20 else ""),
            },
            checksums=["sha256", "sha512"],
        )
