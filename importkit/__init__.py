"""The import toolkit shared by the outage imports (``outages.importers``) and the doctors'
imports (``claims.importers``): no models, no app of its own (README, "Imports").

* ``importkit.text``: uploaded bytes → text (byte-order mark, UTF-8, Windows-1252 for
  spreadsheet CSV exports, binary files and UTF-16 refused);
* ``importkit.csvread``: bounded CSV reading (line length, columns, the csv module's field
  limit) and delimiter detection;
* ``importkit.wallclock`` and ``importkit.moments``: a date and time as typed in a file,
  read as Brussels wall-clock time by the one DST rule, cut to the whole second;
* ``importkit.pending``: an uploaded file kept between its preview and the confirmation,
  with one retention (``PENDING_RETENTION``).
"""
