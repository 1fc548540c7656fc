"""The claim dossier: a PDF/A-3b file a court can read and a machine can re-check.

Two steps, as pretix builds its invoices: ``data.dossier_data`` turns a claim into plain
data (``DossierData``), ``render.dossier_pdf`` renders that data through a normal Django
template and WeasyPrint. ``claims.services.dossiers`` stores the PDF of a submitted claim.
"""

import logging

# WeasyPrint reports every step of every rendering at INFO (and parses its own stylesheets
# at import); the project logs INFO, and a server rendering dossiers all day does not need
# those lines. Set here, before render.py imports WeasyPrint.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
