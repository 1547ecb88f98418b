"""Kavosh (کاوش): full-text search for Persian and Arabic documents.

Installed as one namespace: ``kavosh`` is this folder (querying, snippets,
the CLI), ``kavosh.index`` is index/ (analysis and indexing) and
``kavosh.web`` is web/ (the Flask front end); setup.cfg maps them.
"""
