"""``redline watch --notify``: what a run found, sent through Apprise to a webhook on
127.0.0.1 (Apprise's json:// and form:// targets); a notifier that fails is an error in
the run's log, never a failed run, and no notification URL is ever shown or stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from redline.archive.watch.notify import describe
from tests.support.newsroom import Newsroom
from tests.support.webhook import Webhook

Run = Callable[..., Result]
SECRET = "s3cr3tT0kenValue"
PASSWORD = "pa55w0rdHere"
CONTROL = "\x1b]0;pwned\x07\x1b[31m"


@pytest.fixture
def hook() -> Iterator[Webhook]:
    with Webhook() as receiver:
        yield receiver


def _watch(redline: Run, watchlist: Path, *args: str) -> Result:
    result = redline("watch", str(watchlist), "--delay", "0", "--allow-private", *args)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def edited(redline: Run, room: Newsroom, watchlist: Callable[..., Path]) -> tuple[Path, str, str]:
    """Two articles captured, then one edited without a new date and one taken down."""
    flood, bridge = room.publish("flood"), room.publish("bridge")
    path = watchlist(flood, bridge)
    _watch(redline, path)
    room.edit("flood")
    room.take_down("bridge")
    return path, flood, bridge


def test_one_message_per_changed_or_gone_article(
    redline: Run, edited: tuple[Path, str, str], hook: Webhook
) -> None:
    path, flood, bridge = edited
    result = _watch(
        redline,
        path,
        "--all",
        "--notify",
        f"json://127.0.0.1:{hook.port}/desk",
        "--site-url",
        "https://desk.example/news",
    )
    assert "Error" not in result.stderr
    messages = {m.json()["title"]: m.json()["message"] for m in hook.received}
    assert len(hook.received) == 2 and all(m.path == "/desk" for m in hook.received)
    (changed,) = [t for t in messages if t.startswith("Stealth edit (major): ")]
    (gone,) = [t for t in messages if t.startswith("Gone: ")]
    text = messages[changed]
    assert changed.endswith("river crests in the lower town")  # the headline
    assert "Severity: major (stealth edit: the page did not admit it" in text
    assert "[-" in text and "{+Revised 2: officials now say" in text  # the words changed
    assert f"Article: {flood}" in text
    assert "On the site: https://desk.example/news/a/127.0.0.1-" in text and "/v2.html" in text
    assert f"Article: {bridge}" in messages[gone] and "HTTP 404" in messages[gone]


def test_a_digest_is_one_message(
    redline: Run, edited: tuple[Path, str, str], hook: Webhook
) -> None:
    path, flood, bridge = edited
    _watch(redline, path, "--all", "--notify", f"json://127.0.0.1:{hook.port}/", "--notify-digest")
    (message,) = [m.json() for m in hook.received]
    assert message["title"].startswith("redline: 1 stealth edit, 1 gone (watch run ")
    assert flood in message["message"] and bridge in message["message"]


def test_notify_on_and_min_severity_choose_what_is_sent(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], hook: Webhook
) -> None:
    flood = room.publish("flood")
    path = watchlist(flood)
    target = f"json://127.0.0.1:{hook.port}/"
    _watch(redline, path, "--notify", target)  # new articles: not by default
    assert hook.received == []
    room.edit("flood")
    _watch(redline, path, "--all", "--notify", target, "--notify-on", "new,gone")
    assert hook.received == []
    room.edit("flood", "A new second paragraph, rewritten once more by the desk.")
    _watch(redline, path, "--all", "--notify", target, "--notify-on", "stealth")
    assert [m.json()["title"].split(":")[0] for m in hook.received] == ["Stealth edit (major)"]
    hook.received.clear()
    room.publish("school")
    new = room.url("school")
    _watch(redline, watchlist(flood, new), "--notify", target, "--notify-on", "new")
    assert [m.json()["title"].split(":")[0] for m in hook.received] == ["New"]
    hook.received.clear()
    room.edit("flood", "The station failed at midnight, officials said on Monday.")
    _watch(redline, path, "--all", "--notify", target, "--min-severity", "major")
    assert len(hook.received) == 1
    with pytest.raises(AssertionError):
        _watch(redline, path, "--all", "--notify", target, "--notify-on", "edited")


def test_a_failing_notifier_is_an_error_of_the_run_not_a_failed_run(
    redline: Run, edited: tuple[Path, str, str], hook: Webhook, archive_dir: Path
) -> None:
    path, _flood, _bridge = edited
    with Webhook(status=500) as refusing:
        secret_url = f"form://user:{PASSWORD}@127.0.0.1:{refusing.port}/hook/{SECRET}"
        result = _watch(
            redline,
            path,
            "--all",
            "--notify",
            secret_url,
            "--notify",
            f"form://127.0.0.1:{hook.port}/ok",
        )
        assert len(refusing.received) == 2  # it was asked, and said no
    # The other notifier got its messages, as form fields.
    assert sorted(m.form()["title"].split(":")[0] for m in hook.received) == [
        "Gone",
        "Stealth edit (major)",
    ]
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("Error: ")]
    assert f"2 of 2 notifications to form://127.0.0.1:{refusing.port}/… failed" in line
    assert "500" in line
    logs = [json.loads(p.read_text()) for p in (archive_dir / "state" / "runs").glob("*.json")]
    (noted,) = [
        log
        for log in logs
        if any(n.startswith("error: 2 of 2 notifications to form://") for n in log["notes"])
    ]
    assert noted["status"] == "completed" and noted["counts"]["changed"] == 1
    # The URL's secrets are nowhere: not printed, not in the archive.
    assert SECRET not in result.output and PASSWORD not in result.output
    for file in archive_dir.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert SECRET.encode() not in data and PASSWORD.encode() not in data, file


def test_nobody_listening_is_an_error_too(
    redline: Run, edited: tuple[Path, str, str], hook: Webhook
) -> None:
    path, _flood, _bridge = edited
    port = hook.port
    hook.__exit__(None, None, None)  # nothing answers on this port any more
    result = _watch(redline, path, "--all", "--notify", f"json://127.0.0.1:{port}/")
    assert f"notifications to json://127.0.0.1:{port}/… failed" in result.stderr


def test_watchlist_lines_and_the_environment_add_notifiers(
    redline: Run,
    room: Newsroom,
    watchlist: Callable[..., Path],
    hook: Webhook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flood = room.publish("flood")
    path = watchlist(
        flood,
        f"notify: json://127.0.0.1:{hook.port}/from-list",
        "notify: nosuchservice://whatever/here",
    )
    with Webhook() as other:
        monkeypatch.setenv(
            "REDLINE_NOTIFY", f"json://127.0.0.1:{other.port}/a form://127.0.0.1:{other.port}/b"
        )
        result = _watch(redline, path, "--notify-on", "new")
        assert sorted(m.path for m in other.received) == ["/a", "/b"]
    assert [m.path for m in hook.received] == ["/from-list"]
    assert "'notify:' URL #2 is a nosuchservice:// notification URL" in result.stderr
    assert "whatever/here" not in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--notify", f"nosuch://{SECRET}/x"), "", "--notify #1 is a nosuch:// notification"),
        (("--notify", SECRET), "", "--notify #1 is a notification URL without a scheme"),
        ((), f"json://127.0.0.1/ bogus://{SECRET}", "REDLINE_NOTIFY #2 is a bogus://"),
        (("--notify-on", "edits"), "", "--notify-on edits: use some of changed, new"),
        (("--site-url", "desk.example"), "", "--site-url 'desk.example' is not an http(s) URL"),
    ],
)
def test_unusable_notification_options_are_refused_before_the_run(
    redline: Run,
    watchlist: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    archive_dir: Path,
    args: tuple[str, ...],
    env: str,
    message: str,
) -> None:
    monkeypatch.setenv("REDLINE_NOTIFY", env)
    result = redline("watch", str(watchlist("https://news.example/a")), *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert SECRET not in result.stderr
    assert not archive_dir.exists()


def test_network_text_reaches_no_notifier_with_control_characters(
    redline: Run, room: Newsroom, watchlist: Callable[..., Path], hook: Webhook
) -> None:
    flood = room.publish("flood")
    room.stories["flood"].title = f"Flood {CONTROL} update"
    room.edit("flood")  # serve it with the new headline
    _watch(
        redline,
        watchlist(flood),
        "--notify",
        f"json://127.0.0.1:{hook.port}/",
        "--notify-on",
        "new",
    )
    (message,) = [m.json() for m in hook.received]
    text = message["title"] + message["message"]
    assert "Flood" in message["title"]
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text) and "\x9b" not in text


def test_a_notifier_is_named_without_its_secrets() -> None:
    for url in (
        f"json://user:{PASSWORD}@127.0.0.1:8080/hook/{SECRET}?token={SECRET}",
        f"slack://{SECRET}/B1234567/{SECRET}x",
        f"tgram://123456789:{SECRET}/12345",
    ):
        shown = describe(url)
        assert SECRET not in shown and PASSWORD not in shown, shown
        assert shown.endswith("/…")
