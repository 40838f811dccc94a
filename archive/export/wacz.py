"""``--format wacz``: a WACZ 1.1.1 file (https://specs.webrecorder.net/wacz/1.1.1/).

A ZIP archive, every entry stored uncompressed so that replay tools read ranges of it::

    archive/<article>-<hash>-v<N>.warc.gz   each chosen version's WARC, named after it
    indexes/index.cdx                       a CDXJ index of them (cdxj-indexer, sorted;
                                            named as pywb's wb-manager looks for it)
    pages/pages.jsonl                       one page per version: its article's URL,
                                            capture time and title
    datapackage.json                        every file above with its sha256 and size
    datapackage-digest.json                 the sha256 of datapackage.json

A page's URL is the article's id, under which every version can be replayed (the
WARC files its own records or a revisit record there)."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from redline import __version__
from redline.archive.export.output import new_file
from redline.archive.export.selection import Selection

WACZ_VERSION = "1.1.1"


def _resource(path: Path, name: str) -> dict[str, Any]:
    data = path.read_bytes()
    return {
        "name": name.rsplit("/", 1)[-1].lower(),
        "path": name,
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def _index(warcs: list[Path], out: Path) -> None:
    from cdxj_indexer.main import CDXJIndexer  # only for a WACZ

    CDXJIndexer(output=str(out), inputs=[str(p) for p in warcs], sort=True).process_all()


def write_wacz(selection: Selection, path: Path) -> None:
    archive = selection.archive
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory(prefix="redline-wacz-") as tmp:
        root = Path(tmp)
        (root / "archive").mkdir()
        (root / "indexes").mkdir()
        (root / "pages").mkdir()
        warcs = []
        pages = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
        for chosen, data in selection.warcs():
            warc = root / "archive" / f"{chosen.name}.warc.gz"
            warc.write_bytes(data)
            warcs.append(warc)
            title = archive.article(chosen.url, chosen.version).title
            page_id = hashlib.sha256(f"{chosen.url} v{chosen.version}".encode()).hexdigest()
            pages.append(
                {
                    "id": page_id[:32],
                    "url": chosen.url,
                    "ts": chosen.created,
                    "title": title or chosen.url,
                }
            )
        _index(warcs, root / "indexes" / "index.cdx")
        (root / "pages" / "pages.jsonl").write_text(
            "".join(json.dumps(page, ensure_ascii=False) + "\n" for page in pages),
            encoding="utf-8",
        )
        names = [
            *(f"archive/{w.name}" for w in warcs),
            "indexes/index.cdx",
            "pages/pages.jsonl",
        ]
        package = {
            "profile": "data-package",
            "resources": [_resource(root / name, name) for name in names],
            "created": created,
            "wacz_version": WACZ_VERSION,
            "software": f"redline {__version__}",
            "title": f"redline archive {archive.location}",
        }
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        digest = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        with new_file(path) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as wacz:
            for name in names:
                wacz.write(root / name, name)
            wacz.writestr("datapackage.json", package_bytes)
            wacz.writestr("datapackage-digest.json", json.dumps(digest, indent=2))
