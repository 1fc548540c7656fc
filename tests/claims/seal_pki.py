"""A throw-away PKI and an RFC 3161 timestamp server on loopback, for the seal tests.

The timestamp server is pyHanko's DummyTimeStamper behind ``http.server`` on 127.0.0.1:
the real HTTP client of pyHanko talks to it, nothing leaves the machine.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext

from claims.dossier.dev_pki import DevPki, dev_pki

PASSWORD = "seal-test-password"


def asn1_certificate(issued) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(issued.der)


def validation_context(pki: DevPki) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_certificate(pki.root)], allow_fetching=False, revocation_mode="soft-fail"
    )


class TimestampServer:
    """An RFC 3161 server on 127.0.0.1 (a random free port); counts the requests it served."""

    def __init__(self, pki: DevPki):
        stamper = DummyTimeStamper(
            tsa_cert=asn1_certificate(pki.tsa),
            tsa_key=keys.PrivateKeyInfo.load(pki.tsa.key_der),
            certs_to_embed=[asn1_certificate(pki.root)],
        )
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                body = stamper.request_tsa_response(request).dump()
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                return

        self.requests = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def make_pki() -> DevPki:
    return dev_pki(organisation="ABSyM-BVAS (test)")
