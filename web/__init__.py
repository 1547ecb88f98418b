"""Kavosh's web front end: a right-to-left search page, document view and JSON API."""

from .app import create_app

__all__ = ["create_app"]
