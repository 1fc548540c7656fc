"""A fixture server on loopback that answers like the eHealth status service."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def components_body(recip_status: str, *, wrapped: bool = False) -> bytes:
    """A real-shaped answer of ``/fr/api/components/prod``."""
    components = [
        {
            "id": "c-recip-e",
            "name_fr": "Recip-e",
            "name_nl": "Recip-e",
            "group_name_fr": "Prescription",
            "group_name_nl": "Voorschrift",
            "status_name": recip_status,
            "status_code": 1,
            "last_updated": "2024-01-15T08:05:00+01:00",
        },
        {
            "id": "c-vault",
            "name_fr": "Coffre-fort de test",
            "name_nl": "Testkluis",
            "group_name_fr": "Divers",
            "group_name_nl": "Diversen",
            "status_name": "Operational",
            "status_code": 1,
            "last_updated": "2024-01-15T08:05:00+01:00",
        },
    ]
    return json.dumps({"data": components} if wrapped else components).encode()


class StatusServer:
    """Replays a list of answers, one per request: bytes, or ``("sleep", seconds)``."""

    def __init__(self):
        self.answers: list = []
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                answer = server.answers[min(server.requests, len(server.answers) - 1)]
                server.requests += 1
                if isinstance(answer, tuple):
                    time.sleep(answer[1])
                    answer = b"[]"
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/fr/api/components/prod"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
