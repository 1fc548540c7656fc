"""``manage.py seal_dev_certificate FILE.p12 [--password P]``: a development e-seal.

A self-made certificate, to see sealed dossiers on a development machine. Its seal proves
nothing to anyone else: production uses a qualified certificate (README, "Seal").
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.dossier.dev_pki import dev_pki


class Command(BaseCommand):
    help = "Create a development e-seal certificate (PKCS#12) for DOSSIER_SEAL_P12."

    def add_arguments(self, parser):
        parser.add_argument("output", help="the .p12 file to write (never committed)")
        parser.add_argument("--password", default="development", help="its password")
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")

    def handle(self, *args, **options):
        path = Path(options["output"])
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists; add --force to replace it.")
        data = dev_pki().seal_p12(options["password"])
        # Created readable by its owner only: it holds a private key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as output:
            output.write(data)
        self.stdout.write(
            f"Wrote {path}. Development only. Use it with:\n"
            f"  export DOSSIER_SEAL_P12={path.resolve()} "
            f"DOSSIER_SEAL_PASSWORD={options['password']}"
        )
