"""Exports of the archive for other tools: WACZ and WARC for replay (pywb,
ReplayWeb.page), a BagIt bag of the OCFL objects for preservation, and JSON Lines or
SQLite (Datasette) tables of every version and change for analysis. ``formats`` is the
one list of them."""
