"""JSON Lines archives: one {"id", "title", "body" | "text", "url", "date", "lang", "source"}
per line, streamed so that an archive of any size is read in bounded memory."""

from __future__ import annotations

import html
import json
import re
from typing import Iterator

from ..dates import document_date
from ..decoding import LineNotes, read_lines
from ..sources import readable_source
from .base import _SURROGATE, Document, Format, Parsed, finish, too_big
from .txt import clean_newlines

# A named or numeric character reference (&quot; &amp; &#39; &#x27;): scraped titles
# often keep them escaped (178 Arabic titles of the news archive showed &quot;).
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """``&quot;`` → ``"`` and the like; text without a character reference is returned as is."""
    return html.unescape(text) if _ENTITY.search(text) else text


def parse_jsonl(fh, sf, parsed: Parsed, max_doc_bytes: int) -> Iterator[Document]:
    """One document per line; bad lines are skipped and reported, good ones kept."""
    seen: dict[str, int] = {}  # id → the line it was first seen on
    counts = LineNotes()
    undated: list[str] = []  # dates written but not readable, for one warning per file
    for lineno, line, size in read_lines(fh, max_doc_bytes, counts):
        where = f"{sf.rel}:{lineno}"
        if line is None:
            parsed.skipped.append(f"{where}: {too_big('the record', size, max_doc_bytes)}")
            continue
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.skipped.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            parsed.skipped.append(f"{where}: not usable JSON (nested too deeply)")
            continue
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            parsed.skipped.append(f"{where}: not usable JSON ({str(exc).split(';')[0]})")
            continue
        if not isinstance(record, dict):
            parsed.skipped.append(f"{where}: not a JSON object")
            continue
        replaced = 0  # counted here, once, before the title is derived from the body
        for name in ("id", "title", "body", "text", "url", "date", "source"):
            value = record.get(name)
            if isinstance(value, str) and _SURROGATE.search(value):
                record[name], n = _SURROGATE.subn("\ufffd", value)
                replaced += n
        body = record.get("body", record.get("text"))
        title = record.get("title")
        title = unescape_entities(title) if isinstance(title, str) else ""  # null, NaN or a number: no title
        if not isinstance(body, str) or not (body.strip() or title.strip()):
            parsed.skipped.append(f"{where}: no 'body' or 'text' string")
            continue
        doc_id = str(record.get("id") or f"{sf.rel}#{lineno}")
        if doc_id in seen:
            parsed.skipped.append(f"{where}: duplicate id {doc_id!r}, already the id of "
                                  f"{sf.rel}:{seen[doc_id]}; record not indexed")
            continue
        seen[doc_id] = lineno
        lang = record.get("lang")
        written_date = _opt_str(record.get("date"))
        iso_date = document_date(written_date) if written_date else None
        if written_date and not iso_date:
            undated.append(written_date)
        url = _opt_str(record.get("url"))
        yield finish(
            Document(
                id=doc_id,
                title=title.strip() or body.strip().split("\n", 1)[0][:120],
                body=clean_newlines(body) or title,
                lang=lang if lang in ("fa", "ar", "mixed", "other") else None,
                url=url,
                date=iso_date,
                source=readable_source(_opt_str(record.get("source")), url),
                date_origin="document" if iso_date else None,
            ),
            where, parsed.warnings, replaced,
        )
    parsed.warnings.extend(f"{sf.rel}: {note}" for note in counts.notes())
    if undated:
        parsed.warnings.append(
            f"{sf.rel}: {len(undated)} record{'s' if len(undated) > 1 else ''} with a date Kavosh "
            f"cannot read (e.g. {undated[0][:40]!r}), indexed without a date (write a day, e.g. 2024-11-03 or 2024-11-03 14:23:00)")


def _opt_str(value) -> str | None:
    """A metadata value as text; None for missing, empty, NaN and non-scalar values."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float) and value != value:
        return None
    return str(value) if value != "" else None


FORMAT = Format("JSON Lines", (".jsonl",), stream=parse_jsonl)
