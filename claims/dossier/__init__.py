"""The claim dossier: a PDF/A-3b file a court can read and a machine can re-check.

Two steps, as pretix builds its invoices: ``data.dossier_data`` turns a claim into plain
data (``DossierData``), ``render.dossier_pdf`` renders that data through a normal Django
template and WeasyPrint. ``claims.services.dossiers`` stores the PDF of a submitted claim.
"""
