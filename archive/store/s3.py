"""A store in an S3 bucket (or an S3-compatible service) under a key prefix.

The same keys as the folder store, so an archive can be copied either way and
validated with any OCFL tool. Every PUT carries a SHA-256 checksum (single-part uploads
only: captures are small). Not every server checks it (AWS S3 and SeaweedFS refuse a
body that does not match it; moto stores it), so redline checks what the server says it
stored: the SHA-256 it returns, or else the ETag, which for an object stored unencrypted
or with SSE-S3 is the MD5 of its bytes. When they differ from what was sent the PUT is
made once more, on the condition that the key still holds those bytes; a second
mismatch fails the write. A new version is written in the order
content → version inventory → root inventory (a conditional write on the ETag read
before, or ``If-None-Match: *`` for a new object) → root sidecar. Writers of the same
object take a lease first (a conditional create of a small lease object beside the
OCFL root), so two runs never write the same version directory at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from redline.archive.core import layout
from redline.archive.core.errors import ArchiveError, Conflict, KeyMissing, StoreError
from redline.archive.store.base import AbstractLock, Store

LEASE_SECONDS = 300
LOCK_WAIT_SECONDS = 120

_DENIED = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "Forbidden",
    "403",
}
_PRECONDITION = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}
#: With If-Match on a missing key AWS and moto answer 404, SeaweedFS 412: both mean the
#: key no longer holds what the writer read.
_MISSING = {"NoSuchKey", "404", "NotFound"}
#: Encryptions whose ETag is not the MD5 of the object's bytes.
_ETAG_NOT_MD5 = {"aws:kms", "aws:kms:dsse"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ("bucket", "some/prefix/"); the prefix may be empty."""
    rest = url[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ArchiveError(f"{url} names no bucket; use s3://BUCKET or s3://BUCKET/PREFIX")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def make_client(endpoint_url: str | None, session: Any = None) -> Any:
    """An S3 client from boto3's standard credential chain, with retries and backoff.

    Four attempts in botocore's standard retry mode (backoff with jitter: a few seconds
    in all, so an unreachable endpoint is reported quickly), unless ``AWS_MAX_ATTEMPTS`` says
    otherwise (boto3's own setting, read by botocore when the config leaves it out).
    """
    retries: dict[str, Any] = {"mode": "standard"}
    if not os.environ.get("AWS_MAX_ATTEMPTS"):
        retries["max_attempts"] = 4
    config = Config(
        retries=retries,  # type: ignore[arg-type]
        connect_timeout=10,
        read_timeout=60,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_supported",
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    session = session or boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, config=config)


def _sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _stored_other_bytes(response: Mapping[str, Any], data: bytes, checksum: str) -> bool:
    """Whether a PUT's answer shows that the server stored other bytes than ``data``: the
    SHA-256 it returns differs from ``checksum``, or (when it returns none) its ETag is
    not the MD5 of ``data`` although the object is stored unencrypted or with SSE-S3.
    An answer that shows neither (SSE-KMS, SSE-C) is taken as it is."""
    returned = response.get("ChecksumSHA256")
    if returned:
        return str(returned) != checksum
    if response.get("ServerSideEncryption") in _ETAG_NOT_MD5 or response.get(
        "SSECustomerAlgorithm"
    ):
        return False
    etag = str(response.get("ETag") or "").strip('"')
    if len(etag) != 32 or not all(c in "0123456789abcdef" for c in etag.lower()):
        return False  # not an MD5 (a multipart upload's, or a server's own kind)
    return etag.lower() != hashlib.md5(data, usedforsecurity=False).hexdigest()


def _code(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))


class S3Store(Store):
    """Keys below ``s3://bucket/prefix/``."""

    partial_commits = True

    def __init__(
        self,
        url: str,
        *,
        endpoint_url: str | None = None,
        client: Any = None,
        lease_seconds: int = LEASE_SECONDS,
        lock_wait: float = LOCK_WAIT_SECONDS,
    ) -> None:
        self.location = url.rstrip("/")
        self.bucket, self.prefix = parse_s3_url(url)
        self.endpoint_url = endpoint_url
        self.lease_seconds = lease_seconds
        self.lock_wait = lock_wait
        try:
            self.client = client or make_client(endpoint_url)
        except BotoCoreError as exc:
            raise self._fail(exc, "connect") from exc
        #: ETag and sha512 of what was last read at a key, for conditional writes.
        self._seen: dict[str, tuple[str, str]] = {}

    # -- errors ---------------------------------------------------------------------------
    def _fail(self, exc: Exception, action: str) -> ArchiveError:
        where = f"s3://{self.bucket}"
        if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
            return ArchiveError(
                f"no AWS credentials for {where}; set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with a role"
            )
        if isinstance(exc, EndpointConnectionError) or (
            isinstance(exc, BotoCoreError) and "connect" in str(exc).lower()
        ):
            endpoint = self.endpoint_url or "the S3 endpoint"
            return ArchiveError(
                f"cannot reach {endpoint} for {where}; check --endpoint-url "
                "(or REDLINE_ENDPOINT_URL) and your network"
            )
        if isinstance(exc, ClientError):
            code = _code(exc)
            if code == "NoSuchBucket":
                return ArchiveError(
                    f"bucket {self.bucket} does not exist; create it or fix --archive"
                )
            if code in _DENIED:
                return ArchiveError(
                    f"access to {where} was denied ({code}); check your AWS credentials "
                    "(profile, keys or role) and the bucket's policy"
                )
            return StoreError(f"cannot {action} in {where} ({code}); try again later")
        return StoreError(f"cannot {action} in {where} ({type(exc).__name__}); try again later")

    # -- Store interface ------------------------------------------------------------------
    def _key(self, key: str) -> str:
        return self.prefix + key

    def read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            data: bytes = response["Body"].read()
        except ClientError as exc:
            if _code(exc) in ("NoSuchKey", "404"):
                raise KeyMissing(f"{key} is missing from {self.location}") from exc
            raise self._fail(exc, f"read {key}") from exc
        except BotoCoreError as exc:
            raise self._fail(exc, f"read {key}") from exc
        self._seen[key] = (response["ETag"], hashlib.sha512(data).hexdigest())
        return data

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise self._fail(exc, f"look up {key}") from exc
        except BotoCoreError as exc:
            raise self._fail(exc, f"look up {key}") from exc
        return True

    def _etag(self, key: str) -> str | None:
        """The ETag stored at ``key`` now (one HEAD request), or None when it is missing."""
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self._fail(exc, f"look up {key}") from exc
        except BotoCoreError as exc:
            raise self._fail(exc, f"look up {key}") from exc
        return str(response["ETag"])

    def list(self, prefix: str = "") -> Iterator[str]:
        keys: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix)
            )
            for page in pages:
                for item in page.get("Contents", ()):
                    keys.append(item["Key"][len(self.prefix) :])
        except (ClientError, BotoCoreError) as exc:
            raise self._fail(exc, "list keys") from exc
        return iter(sorted(k for k in keys if not k.startswith(layout.LEASES)))

    def stamps(self, prefix: str = "") -> dict[str, str | None]:
        """Every key under ``prefix`` with its ETag (one listing: S3 lists them)."""
        found: dict[str, str | None] = {}
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix)
            )
            for page in pages:
                for item in page.get("Contents", ()):
                    key = item["Key"][len(self.prefix) :]
                    if not key.startswith(layout.LEASES):
                        found[key] = str(item["ETag"]) if item.get("ETag") else None
        except (ClientError, BotoCoreError) as exc:
            raise self._fail(exc, "list keys") from exc
        return dict(sorted(found.items()))

    def put(self, key: str, data: bytes) -> None:
        self.conditional_put(key, data)

    def conditional_put(self, key: str, data: bytes, **conditions: str) -> str:
        """Store ``data``; returns the new ETag. ``conditions``: IfMatch / IfNoneMatch.

        What the server says it stored is compared with ``data``; when it differs the
        PUT is made once more, if the key still holds what the first one stored."""
        checksum = _sha256_b64(data)
        response = self._put_object(key, data, checksum, conditions)
        if _stored_other_bytes(response, data, checksum):
            response = self._put_object(key, data, checksum, {"IfMatch": str(response["ETag"])})
            if _stored_other_bytes(response, data, checksum):
                raise StoreError(
                    f"s3://{self.bucket} stored other bytes than were sent for {key} (its "
                    "checksum or ETag differs), twice; check the network path to the "
                    "endpoint and try again"
                )
        etag = str(response["ETag"])
        self._seen[key] = (etag, hashlib.sha512(data).hexdigest())
        return etag

    def _put_object(
        self, key: str, data: bytes, checksum: str, conditions: Mapping[str, str]
    ) -> dict[str, Any]:
        try:
            response: dict[str, Any] = self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ChecksumSHA256=checksum,
                **conditions,
            )
        except ClientError as exc:
            code = _code(exc)
            if conditions and (
                code in _PRECONDITION or ("IfMatch" in conditions and code in _MISSING)
            ):
                raise Conflict(f"{key} in {self.location} was changed by another run") from exc
            raise self._fail(exc, f"write {key}") from exc
        except BotoCoreError as exc:
            raise self._fail(exc, f"write {key}") from exc
        return response

    def put_if(self, key: str, data: bytes, expected: bytes | None) -> str | None:
        """A conditional PUT: If-Match on the ETag of ``expected`` as last read here
        (read again when this handle has not seen those bytes), or If-None-Match.
        Returns the new ETag."""
        if expected is None:
            return self.conditional_put(key, data, IfNoneMatch="*")
        wanted = hashlib.sha512(expected).hexdigest()
        seen = self._seen.get(key)
        if seen is None or seen[1] != wanted:
            try:
                self.read(key)
            except KeyMissing as exc:
                raise Conflict(f"{key} in {self.location} was removed by another run") from exc
            seen = self._seen[key]
            if seen[1] != wanted:
                raise Conflict(f"{key} in {self.location} was changed by another run")
        return self.conditional_put(key, data, IfMatch=seen[0])

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) not in ("NoSuchKey", "404"):
                raise self._fail(exc, f"delete {key}") from exc
        except BotoCoreError as exc:
            raise self._fail(exc, f"delete {key}") from exc
        self._seen.pop(key, None)

    def lock(self, name: str) -> AbstractLock:
        return _Lease(self, name)

    def ensure_writable(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchBucket", "NotFound"):
                raise ArchiveError(
                    f"bucket {self.bucket} does not exist; create it or fix --archive"
                ) from exc
            raise self._fail(exc, "open the bucket") from exc
        except BotoCoreError as exc:
            raise self._fail(exc, "open the bucket") from exc

    def commit_object(
        self,
        object_root: str,
        new_files: Mapping[str, bytes],
        root_files: Mapping[str, bytes],
        expected_head: str | None,
    ) -> None:
        root = object_root.rstrip("/")
        inventory_key = f"{root}/inventory.json"
        # Confirm the head before writing anything: a run that based its version on a
        # stale head must not touch the version directories of the one that moved it.
        etag = self._etag(inventory_key)
        if expected_head is None:
            if etag is not None:
                raise Conflict(f"{root} was created by another run; retry")
            condition = {"IfNoneMatch": "*"}
        else:
            seen = self._seen.get(inventory_key)
            if etag is not None and (seen is None or seen[0] != etag):
                self.read(inventory_key)
                seen = self._seen[inventory_key]
            if etag is None or seen is None or seen[1] != expected_head:
                raise Conflict(f"{root} was changed by another run; retry")
            condition = {"IfMatch": seen[0]}
        self._clear_leftovers(root, new_files)
        declarations = {k: v for k, v in new_files.items() if k.startswith("0=")}
        for rel, data in new_files.items():
            if rel not in declarations:
                self.put(f"{root}/{rel}", data)
        for rel, data in declarations.items():  # a storage root is declared last
            self.put(f"{root}/{rel}", data)
        for rel, data in root_files.items():
            if rel.startswith("0="):
                self.put(f"{root}/{rel}", data)
        if "inventory.json" in root_files:
            self.conditional_put(inventory_key, root_files["inventory.json"], **condition)
        for rel, data in root_files.items():
            if rel != "inventory.json" and not rel.startswith("0="):
                self.put(f"{root}/{rel}", data)

    def _clear_leftovers(self, root: str, new_files: Mapping[str, bytes]) -> None:
        """Remove what an interrupted run left in the version directories about to be
        written (the caller holds the object's lease, so nobody else is writing them)."""
        tops = {rel.split("/", 1)[0] for rel in new_files if "/" in rel}
        for top in tops:
            if top[:1] == "v" and top[1:].isdigit():
                for key in self.list(f"{root}/{top}/"):
                    self.delete(key)


class _Lease(AbstractLock):
    """An exclusive, expiring lease: a small object created with If-None-Match."""

    def __init__(self, store: S3Store, name: str) -> None:
        self.store = store
        self.key = layout.object_lock_key(name)
        self.name = name

    def _body(self) -> bytes:
        now = datetime.now(timezone.utc)
        return json.dumps(
            {
                "name": self.name,
                "owner": f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
                "acquired": now.isoformat(),
                "expires": (now + timedelta(seconds=self.store.lease_seconds)).isoformat(),
            }
        ).encode()

    def __enter__(self) -> _Lease:
        deadline = time.monotonic() + self.store.lock_wait
        delay = 0.05
        while True:
            try:
                self.store.conditional_put(self.key, self._body(), IfNoneMatch="*")
                return self
            except Conflict:
                pass
            if self._take_over_if_expired():
                return self
            if time.monotonic() > deadline:
                raise Conflict(
                    f"another run is writing {self.name} in {self.store.location}; "
                    "try again when it has finished"
                )
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _take_over_if_expired(self) -> bool:
        try:
            current = self.store.read(self.key)
        except KeyMissing:
            return False
        try:
            expires = datetime.fromisoformat(json.loads(current)["expires"])
        except (ValueError, KeyError, TypeError):
            expires = datetime.min.replace(tzinfo=timezone.utc)
        if expires > datetime.now(timezone.utc):
            return False
        etag = self.store._seen[self.key][0]
        try:
            self.store.conditional_put(self.key, self._body(), IfMatch=etag)
        except Conflict:
            return False
        return True

    def __exit__(self, *exc: object) -> None:
        self.store.delete(self.key)
