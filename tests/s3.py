"""A real S3 endpoint for tests: moto's standalone server on 127.0.0.1.

DVC (``dvc-s3``, through s3fs and aiobotocore) talks to it over HTTP as it
would to AWS, MinIO or Ceph; nothing in DVC or git is replaced. Each test
gets a bucket of its own (:meth:`S3Server.bucket`) and reads what landed in
it with boto3 (:meth:`S3Server.objects`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

REGION = "us-east-1"
ENVIRONMENT = {
    # Test credentials: moto accepts any. The region and the disabled
    # metadata service keep botocore from asking anything of the network.
    "AWS_ACCESS_KEY_ID": "registry-test-key",
    "AWS_SECRET_ACCESS_KEY": "registry-test-secret",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
CLEARED = (
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CA_BUNDLE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
"""Variables of a developer's shell that would send DVC or boto3 elsewhere."""


@dataclass(frozen=True)
class S3Object:
    key: str
    size: int
    etag: str
    last_modified: datetime


class S3Server:
    """moto's S3 on a free port of 127.0.0.1, in a thread of the test process."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self._names = itertools.count(1)

    def stop(self) -> None:
        self._server.stop()

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ENVIRONMENT["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=ENVIRONMENT["AWS_SECRET_ACCESS_KEY"],
        )

    def bucket(self) -> str:
        """A new, empty bucket."""
        name = f"registry-test-{next(self._names)}"
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str, prefix: str = "") -> dict[str, S3Object]:
        """Every object under ``prefix``, by key."""
        found: dict[str, S3Object] = {}
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                found[item["Key"]] = S3Object(item["Key"], item["Size"], item["ETag"], item["LastModified"])
        return found

    def read(self, bucket: str, key: str) -> bytes:
        body: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return body


@dataclass(frozen=True)
class Bucket:
    """A test's bucket on the server, and the environment that reaches it."""

    server: S3Server
    name: str

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    def url(self, prefix: str) -> str:
        return f"s3://{self.name}/{prefix}"

    def objects(self, prefix: str = "") -> dict[str, S3Object]:
        return self.server.objects(self.name, prefix)

    def read(self, key: str) -> bytes:
        return self.server.read(self.name, key)


def session_server() -> Iterator[S3Server]:
    server = S3Server()
    try:
        yield server
    finally:
        server.stop()


def bucket_for_test(server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A new bucket, with the test credentials in the environment that the
    registry and DVC subprocesses inherit (until the test ends)."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return Bucket(server, server.bucket())
