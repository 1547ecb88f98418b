"""Reading the zip + XML formats (DOCX, ODT, EPUB) in bounded memory.

A member is read only up to a limit and the archive's declared sizes are
checked first, so a zip bomb is a skipped file, not an exhausted machine.
XML is parsed by the standard library's expat, which fetches no external
entity and (expat ≥ 2.4.1) refuses exponential entity expansion.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from ..decoding import Skip

MAX_UNPACKED = 200 * 10**6  # bytes of all members together
MAX_RATIO = 200  # unpacked/packed for one member: beyond it, a bomb


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Skip(f"broken {kind} (not a zip archive)") from None
    total = sum(info.file_size for info in zf.infolist())
    if total > MAX_UNPACKED:
        raise Skip(f"{kind} unpacks to {total // 10**6} MB, over the {MAX_UNPACKED // 10**6} MB Kavosh reads")
    if zf.testzip() is not None:
        raise Skip(f"broken {kind} (a damaged zip member)")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, kind: str) -> bytes | None:
    """A member's bytes, None if absent; Skip for a member that expands suspiciously."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10**7:
        raise Skip(f"{kind} member {name} expands {info.file_size // info.compress_size}×: not read")
    with zf.open(info) as fh:
        return fh.read(MAX_UNPACKED + 1)[:MAX_UNPACKED]


def parse_xml(data: bytes | None, kind: str, name: str) -> ElementTree.Element | None:
    if data is None:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise Skip(f"broken {kind} ({name}: {exc})") from None


def local(tag) -> str:
    """An element's name without its namespace: '{urn:…}p' → 'p'."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def first_text(root: ElementTree.Element | None, name: str) -> str | None:
    """The text of the first element called ``name`` (any namespace), stripped; None if none."""
    if root is None:
        return None
    for el in root.iter():
        if local(el.tag) == name:
            text = " ".join("".join(el.itertext()).split())
            if text:
                return text
    return None


_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    return _BLANK_LINES.sub("\n\n", text).strip()
