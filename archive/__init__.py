"""The redline engine: fetching, extraction, versions, diffs and the OCFL archive."""
