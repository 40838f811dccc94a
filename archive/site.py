"""``redline site``: the archive as a static website, rebuilt only where it changed.

The site, in a folder ``OUT``::

    index.html              every article, newest change first, with filters
    index.json              the same list as data
    feed.xml, stealth.xml   Atom feeds: every change, stealth edits only
    a/<host>-<hash>/        one folder per article:
        index.html          its timeline and every version's text
        feed.xml            its changes
        vN.html             the change from version N-1 to N, inline and side by side
    redline-site.json       what was built: each file's digest, each article's key

An article's pages are made again only when its key moved (a new version, a new
status, a new watch event) or were made by another redline; a diff page, once made,
stays (a version never changes). The index and feeds are made from the query index
alone, and a file is written only when its bytes differ from what is there, so a
rebuild after a watch run rewrites what the run changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from redline.archive.compare import compare
from redline.archive.core.errors import InputError, RedlineError
from redline.archive.core.files import write_atomically
from redline.archive.core.wording import plural
from redline.archive.extract.article import EXTRACTOR
from redline.archive.extract.articletext import article_to_text
from redline.archive.ingest.reading import read_version
from redline.archive.ocfl.archive import Archive
from redline.archive.ocfl.queryindex import IndexedVersion
from redline.archive.queries import Refreshed, open_index
from redline.archive.render.diff_html import render_html
from redline.archive.render.site_feed import render_feed
from redline.archive.render.site_html import render_article, render_index, with_back_link
from redline.archive.render.site_model import Site, SiteArticle, SiteNote, SiteVersion
from redline.archive.watch.report import excerpt

MANIFEST = "redline-site.json"
#: Changes of redline's site pages that make every page be made again.
SITE_FORMAT = "1"
GENERATION = f"{SITE_FORMAT}/{EXTRACTOR}"
#: Entries in the feeds of all changes and of stealth edits (the newest).
FEED_LIMIT = 500
#: The files a build makes (and so may remove): nothing outside the site's folder.
_SITE_FILE = re.compile(
    r"(?:[a-z]+\.(?:html|json|xml)|a/[a-z0-9.-]+/(?:index\.html|feed\.xml|v\d+\.html))"
)


@dataclass
class SiteBuild:
    """What a build did."""

    out: str
    articles: int = 0
    rebuilt: int = 0  # articles whose pages were made again
    rechecked: int = 0  # articles whose page was made again for new checks alone
    written: int = 0  # files written (new or different)
    unchanged: int = 0  # files found as they were (kept, or made again the same)
    removed: int = 0  # files of articles no longer in the archive
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        checks = f", {self.rechecked:,} with new checks" if self.rechecked else ""
        return (
            f"Built the site in {self.out} in {self.seconds:.1f} s: "
            f"{plural(self.articles, 'article')} ({self.rebuilt:,} made again{checks}), "
            f"{plural(self.written, 'file')} written, {self.unchanged:,} unchanged, "
            f"{self.removed:,} removed."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "articles": self.articles,
            "rebuilt": self.rebuilt,
            "rechecked": self.rechecked,
            "written": self.written,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "seconds": round(self.seconds, 3),
            "problems": self.problems,
        }


def article_path(object_id: str, host: str) -> str:
    """The article's folder in the site: its host, made safe, and a digest of its id."""
    name = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip(".-")[:60] or "article"
    return f"a/{name}-{hashlib.sha256(object_id.encode()).hexdigest()[:12]}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Output:
    """The site folder: files written only when their bytes differ."""

    def __init__(self, out: Path, manifest: dict[str, Any], build: SiteBuild) -> None:
        self.out = out
        self.old_files: dict[str, str] = dict(manifest.get("files") or {})
        #: Whether the files listed were made by this very page format and extractor.
        self.trusted = manifest.get("generation") == GENERATION
        self.files: dict[str, str] = {}
        self.build = build

    def has(self, rel: str) -> bool:
        """Whether ``rel`` was made by this build's kind and is still there."""
        return self.trusted and rel in self.old_files and (self.out / rel).is_file()

    def keep(self, rel: str) -> None:
        self.files[rel] = self.old_files[rel]
        self.build.unchanged += 1

    def write(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        digest = _digest(data)
        self.files[rel] = digest
        path = self.out / rel
        try:
            same = self.old_files.get(rel) == digest and path.read_bytes() == data
        except OSError:
            same = False
        if same:
            self.build.unchanged += 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
        self.build.written += 1

    def remove_stale(self) -> None:
        """Remove the files an earlier build made that this one did not: only files of
        the site's own shape inside the folder, whatever the manifest says."""
        for rel in sorted(set(self.old_files) - set(self.files)):
            if not _SITE_FILE.fullmatch(rel):
                continue
            path = self.out / rel
            try:
                path.unlink()
                self.build.removed += 1
            except FileNotFoundError:
                continue
            except OSError:
                continue
            parent = path.parent
            while parent != self.out:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent


def _load_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    if not out.exists():
        return {}
    if not out.is_dir():
        raise InputError(f"{out} is a file; give a folder for the site")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except FileNotFoundError:
        if any(out.iterdir()):
            raise InputError(
                f"{out} is not empty and holds no site made by redline ({MANIFEST}); "
                "give an empty or new folder"
            ) from None
        return {}
    except (ValueError, UnicodeDecodeError, OSError):
        return {}  # made again whole


def _site_version(row: IndexedVersion) -> SiteVersion:
    return SiteVersion(
        version=row.version,
        captured_at=row.captured_at,
        title=row.title,
        severity=row.severity,
        stealth=row.stealth,
        reasons=row.reasons,
        inserted=row.inserted,
        deleted=row.deleted,
        reverts_to=row.reverts_to,
    )


def build_site(
    archive: Archive,
    out: Path,
    *,
    base_url: str | None = None,
    title: str | None = None,
    feed_limit: int = FEED_LIMIT,
    progress: Callable[[int, int], None] | None = None,
    index_progress: Callable[[int, int], None] | None = None,
) -> SiteBuild:
    """Build (or bring up to date) the archive's site in ``out``; ``index_progress``
    and ``progress`` follow the query index's update and the pages' making."""
    clock = time.monotonic()
    build = SiteBuild(out=str(out))
    manifest = _load_manifest(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out} ({exc.strerror}); check the path") from None
    output = _Output(out, manifest, build)
    old_keys: dict[str, Any] = dict(manifest.get("articles") or {}) if output.trusted else {}
    new_keys: dict[str, list[str]] = {}
    refreshed = Refreshed()
    # The states are read once (one index per watch shard): for the query index's
    # update and for the pages.
    states = {state.id: state for state in archive.states().states()}
    summaries = archive.summaries() if states else None
    with open_index(
        archive, refreshed=refreshed, progress=index_progress, summaries=summaries
    ) as index:
        build.problems += refreshed.problems
        indexed = index.articles()
        rows: dict[str, list[IndexedVersion]] = {}
        for row in index.versions():
            rows.setdefault(row.id, []).append(row)
    events = {object_id: state.events for object_id, state in states.items()}
    articles: list[SiteArticle] = []
    stale: list[SiteArticle] = []
    checked: list[SiteArticle] = []
    for item in indexed:
        state = states.get(item.id)
        light = SiteArticle(
            url=item.id,
            path=article_path(item.id, item.host),
            host=item.host,
            title=item.title,
            status=item.status,
            versions=tuple(_site_version(r) for r in sorted(rows.get(item.id, []), key=_number)),
            notes=tuple(
                SiteNote(str(e.get("event", "")), str(e.get("at", "")), str(e.get("reason", "")))
                for e in events.get(item.id, [])
            ),
            checks=state.checks if state is not None else 0,
            last_checked=state.last_checked if state is not None else None,
            unchanged_since=state.unchanged_since if state is not None else None,
        )
        articles.append(light)
        # What the article's pages show: its versions and events (all its files), and
        # its checks (its page alone).
        key = _digest(json.dumps([item.key, events.get(item.id, [])], sort_keys=True).encode())
        checks = _digest(
            json.dumps([light.checks, light.last_checked, light.unchanged_since]).encode()
        )
        new_keys[item.id] = [key, checks]
        old = old_keys.get(item.id)
        files = _article_files(light)
        if isinstance(old, list) and old[:1] == [key] and all(output.has(f) for f in files):
            for rel in files:
                output.keep(rel)
            if old[1:] != [checks]:
                checked.append(light)
        else:
            stale.append(light)
    site_title = title or "redline archive"
    work = [(light, True) for light in stale] + [(light, False) for light in checked]
    for done, (light, whole) in enumerate(work, start=1):
        try:
            _build_article(archive, light, output, site_title, base_url, whole=whole)
        except RedlineError as exc:
            build.problems.append(f"{light.url}: its pages were not made ({exc.message})")
            new_keys.pop(light.url, None)
        else:
            if whole:
                build.rebuilt += 1
            else:
                build.rechecked += 1
        if progress is not None:
            progress(done, len(work))
    articles.sort(key=lambda a: (a.last_change or "", a.url), reverse=True)
    site = Site(articles=articles, base_url=base_url, title=site_title)
    output.write("index.html", render_index(site))
    index_data = {"title": site_title, "articles": [a.index_entry() for a in articles]}
    output.write("index.json", json.dumps(index_data, ensure_ascii=False, indent=1) + "\n")
    changes = sorted(
        ((a, v) for a in articles for v in a.changes),
        key=lambda c: (c[1].captured_at, c[0].url, c[1].version),
        reverse=True,
    )
    output.write(
        "feed.xml",
        render_feed(f"{site_title}: changes", "feed.xml", changes[:feed_limit], base_url=base_url),
    )
    stealth = [c for c in changes if c[1].stealth][:feed_limit]
    output.write(
        "stealth.xml",
        render_feed(f"{site_title}: stealth edits", "stealth.xml", stealth, base_url=base_url),
    )
    output.remove_stale()
    build.articles = len(articles)
    manifest_data = {
        "generator": "redline site",
        "generation": GENERATION,
        "articles": new_keys,
        "files": dict(sorted(output.files.items())),
    }
    text = json.dumps(manifest_data, indent=1) + "\n"
    try:
        same = (out / MANIFEST).read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        same = False
    if not same:
        write_atomically(out / MANIFEST, text)
    build.seconds = time.monotonic() - clock
    return build


def _number(row: IndexedVersion) -> int:
    return row.version


def _article_files(article: SiteArticle) -> list[str]:
    files = [f"{article.path}/index.html", f"{article.path}/feed.xml"]
    files += [f"{article.path}/{v.diff_page}" for v in article.versions if v.diff_page]
    return files


def _build_article(
    archive: Archive,
    light: SiteArticle,
    output: _Output,
    site_title: str,
    base_url: str | None,
    *,
    whole: bool = True,
) -> None:
    """Make one article's pages: its page, its feed, and any diff page not made yet; or,
    not ``whole``, its page alone (its checks moved on, nothing else)."""
    readings = {v.version: read_version(archive, light.url, v.version) for v in light.versions}
    versions = []
    for v in light.versions:
        article = readings[v.version].article
        before = readings.get(v.version - 1) if whole else None
        versions.append(
            replace(
                v,
                text=article_to_text(article),
                article=article,
                excerpt=excerpt(before.article, article) if before is not None else None,
            )
        )
    full = replace(light, versions=tuple(versions))
    if not whole:
        output.write(f"{full.path}/index.html", render_article(full, site_title))
        return
    for version in full.changes:
        rel = f"{full.path}/{version.diff_page}"
        if output.has(rel):
            output.keep(rel)
            continue
        report = compare(archive, full.url, version.version - 1, version.version)
        output.write(rel, with_back_link(render_html(report)))
    output.write(f"{full.path}/index.html", render_article(full, site_title))
    output.write(
        f"{full.path}/feed.xml",
        render_feed(
            f"{full.title or full.url}: changes",
            f"{full.path}/feed.xml",
            [(full, v) for v in reversed(full.changes)],
            base_url=base_url,
            home=f"{full.path}/index.html",
        ),
    )
