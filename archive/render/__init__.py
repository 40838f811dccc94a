"""Showing a diff or a report: text, Markdown, HTML and JSON, and the registry of formats."""
