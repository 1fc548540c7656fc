import pytest
from claims_helpers import make_example_calendar, make_example_declarations
from seal_pki import PASSWORD, TimestampServer, make_pki


@pytest.fixture
def example_calendar(db):
    return make_example_calendar()


@pytest.fixture
def example_claim(doctor, example_calendar):
    """The doctor (RIZIV 12345678004) with the worked example's declarations."""
    make_example_declarations(doctor)
    return doctor


# --- The e-seal (issue 12): a throw-away PKI and a loopback timestamp authority ----------


@pytest.fixture(scope="session")
def seal_pki():
    return make_pki()


@pytest.fixture
def timestamp_server(seal_pki):
    with TimestampServer(seal_pki) as server:
        yield server


@pytest.fixture
def sealing(settings, tmp_path, seal_pki, timestamp_server):
    """Dossiers sealed with the test certificate, timestamped by the loopback TSA (B-T)."""
    path = tmp_path / "seal.p12"
    path.write_bytes(seal_pki.seal_p12(PASSWORD))
    settings.DOSSIER_SEAL_P12 = str(path)
    settings.DOSSIER_SEAL_PASSWORD = PASSWORD
    settings.DOSSIER_TSA_URL = timestamp_server.url
    return timestamp_server
