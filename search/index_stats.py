"""What `kavosh stats` and /api/stats count over every stored document: languages, roots,
sources and the date span, in one pass."""

from __future__ import annotations

from datetime import datetime


class DateSpan:
    """The earliest and latest of the documents' own ISO-8601 dates, as stored.

    A date that is only a file's modification time (``date_origin`` "mtime") is
    counted apart and left out of the span: a checkout's or a copy's time says
    nothing about when the archive's texts were written.
    """

    def __init__(self):
        self.dated = 0
        self.file_dated = 0
        self.earliest = self.latest = None  # (wall-clock datetime, stored text)

    def add(self, value, origin: str | None = None) -> None:
        if not value or not isinstance(value, str):
            return
        if origin == "mtime":
            self.file_dated += 1
            return
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return
        self.dated += 1
        if self.earliest is None or moment < self.earliest[0]:
            self.earliest = (moment, value)
        if self.latest is None or moment > self.latest[0]:
            self.latest = (moment, value)

    def to_json(self) -> dict:
        return {"earliest": self.earliest[1] if self.earliest else None,
                "latest": self.latest[1] if self.latest else None, "dated": self.dated,
                "file_dated": self.file_dated}


def count_stored(stored_fields) -> dict:
    """Documents per language, per root and per source (most first), and the date span."""
    langs: dict[str, int] = {}
    roots: dict[str, int] = {}
    sources: dict[str, int] = {}
    span = DateSpan()
    for stored in stored_fields:
        lang = stored.get("lang", "other")
        langs[lang] = langs.get(lang, 0) + 1
        roots[stored.get("root")] = roots.get(stored.get("root"), 0) + 1
        if stored.get("source"):
            sources[stored["source"]] = sources.get(stored["source"], 0) + 1
        span.add(stored.get("date"), stored.get("date_origin"))
    return {"languages": dict(sorted(langs.items())), "roots": roots,
            "sources": dict(sorted(sources.items(), key=lambda item: (-item[1], item[0]))),
            "dates": span.to_json()}
