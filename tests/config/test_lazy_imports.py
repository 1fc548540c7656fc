"""What a process loads before its first seal, merge or uploaded PDF (issue 13: memory).

pyHanko and pypdf (with cryptography and aiohttp, about 35 MiB resident) are loaded when a
seal is made, a batch merged or an uploaded PDF read, never with Django or with the URL
configuration, which every dossier loads (it names the verification page)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import django
django.setup()
from django.urls import reverse
reverse("verify")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_url_configuration_loads_no_pdf_library():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "claims" in loaded  # the views were imported
    assert not loaded & {"pyhanko", "pyhanko_certvalidator", "pypdf", "aiohttp"}
