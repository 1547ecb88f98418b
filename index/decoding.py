"""Bytes to text for Persian/Arabic archives: UTF-8, UTF-16/32, Windows-1256, and mixtures.

Real archives are rarely clean: a UTF-8 file with one bad byte, a UTF-8 file
with one line pasted from a Windows-1256 editor, UTF-16 saved without a BOM.
Reading such a file whole in the wrong encoding makes all of it unsearchable,
so a mostly-UTF-8 file is decoded line by line and only the bad lines are
read otherwise, each change reported in a note.  Nothing here raises except
``Skip`` (defined here, re-exported by ingest) for files that are not text.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field


class Skip(Exception):
    """This file (or record) cannot be indexed; the message says why."""


ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefe]")
# What a cp1256 misreading of some other encoding produces: C1 controls and
# the Latin-1 letters cp1256 keeps (à â ç è é ê ë î ï ô û ü).
_IMPLAUSIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x80-\x9f\u00e0-\u00fc]")
# Characters a Persian/Arabic/English text is made of; used to accept a
# UTF-16/32 reading (random bytes read as UTF-16 are mostly CJK and symbols).
_TEXTLIKE = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u024f\u0600-\u06ff\u0750-\u077f\u200b-\u206f"
    r"\ufb50-\ufdff\ufe70-\ufeff\u2010-\u2027\u2030-\u205e]"
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_MAGIC = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"), (b"PK\x03\x04", "zip archive"), (b"\x1f\x8b", "gzip archive"),
    (b"%PDF-", "PDF"), (b"\xfd7zXZ\x00", "xz archive"), (b"7z\xbc\xaf", "7z archive"),
    (b"\xd0\xcf\x11\xe0", "MS Office file"), (b"\x7fELF", "executable"),
)
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NAMES = {"cp1256": "Windows-1256", "iso8859_6": "ISO-8859-6", "cp720": "DOS-720",
          "cp864": "IBM864", "mac_arabic": "MacArabic", "mac_farsi": "MacFarsi"}


@dataclass
class Decoded:
    text: str
    encoding: str  # what most of the text was read as
    notes: list[str] = field(default_factory=list)  # what was read otherwise or replaced


def bom_encoding(head: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) if ``head`` starts with a Unicode byte-order mark."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None


def binary_kind(head: bytes) -> str | None:
    """Why the first bytes of a file say it is not text, or None.

    Known signatures first; then the share of control bytes, which text
    (even with a stray NUL) almost never has and compressed data always has.
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head and len(_CONTROL_BYTES.findall(head)) > max(8, len(head) // 50):
        return "not text"
    return None


def wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, recognized from the NUL-byte pattern and the text."""
    if head.count(b"\x00") < len(head) // 8 and not _arabic_wide(head):
        return None
    for name in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
        unit = 4 if "32" in name else 2
        sample = head[: len(head) - len(head) % unit]
        text = sample.decode(name, errors="replace")
        if text and _textlike(text):
            return name
    return None


def _arabic_wide(head: bytes) -> bool:
    """Arabic-script UTF-16 has no NUL bytes at all, but one 0x06 byte in every two."""
    return len(head) >= 16 and (head[1::2].count(b"\x06") > len(head) // 4
                                or head[0::2].count(b"\x06") > len(head) // 4)


def _invalid_bytes(data: bytes, codec: str) -> int:
    return len(data) - len(data.decode(codec, errors="ignore").encode(codec))


def _textlike(text: str) -> bool:
    if text.count("\ufffd") > len(text) // 100:
        return False
    return len(_TEXTLIKE.findall(text)) >= len(text) * 0.95


def plausible_cp1256(text: str, min_letters: int = 10) -> bool:
    """cp1256 maps every byte to something: accept it only if the result reads as Arabic script."""
    letters = len(ARABIC_SCRIPT.findall(text))
    bad = len(_IMPLAUSIBLE.findall(text)) + text.count("\ufffd")
    return letters >= min_letters and bad <= letters * 0.02


def decode_line(line: bytes) -> tuple[str, str]:
    """One line that is not valid UTF-8: (text, how) with how 'cp1256' or 'replaced:N'.

    A line with a few bad bytes among good UTF-8 keeps its UTF-8 and loses
    only those bytes; a line with no UTF-8 structure is Windows-1256 if that
    reads as Arabic script; anything else keeps what UTF-8 it has.
    """
    replaced = line.decode("utf-8", errors="replace")
    bad = _invalid_bytes(line, "utf-8")
    good_multibyte = sum(1 for ch in replaced if ch > "\x7f" and ch != "\ufffd")
    if good_multibyte < bad * 2:
        legacy = line.decode("cp1256", errors="replace")
        # UTF-8 Arabic read as cp1256 is a run of ط ظ ع غ (its lead bytes
        # D8–DB) between other letters: plausible-looking, and wrong.
        utf8_leads = sum(1 for b in line if 0xD8 <= b <= 0xDB)
        if plausible_cp1256(legacy, min_letters=3) and utf8_leads * 4 <= len(ARABIC_SCRIPT.findall(legacy)):
            return legacy, "cp1256"
    return replaced, f"replaced:{bad}"


class LineNotes:
    """Counts of lines read as Windows-1256 and bytes replaced, as one-line notes."""

    def __init__(self):
        self.legacy_lines = 0
        self.replaced_bytes = 0
        self.nul_bytes = 0

    def add(self, how: str) -> None:
        if how == "cp1256":
            self.legacy_lines += 1
        elif how.startswith("replaced:"):
            self.replaced_bytes += int(how.split(":", 1)[1])

    def notes(self) -> list[str]:
        out = []
        if self.legacy_lines:
            out.append(f"{_plural(self.legacy_lines, 'line')} read as Windows-1256")
        if self.replaced_bytes:
            out.append(f"{_plural(self.replaced_bytes, 'byte')} replaced with U+FFFD (not valid UTF-8)")
        if self.nul_bytes:
            out.append(f"{_plural(self.nul_bytes, 'NUL byte')} removed")
        return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def decode(data: bytes) -> Decoded:
    """A whole file's text; raises Skip for binary files and unknown encodings.

    Order: a BOM decides; UTF-16/32 without a BOM is recognized (by the
    NUL-byte pattern, else by charset-normalizer); binaries are skipped;
    valid UTF-8 is UTF-8.  A file whose non-ASCII bytes are mostly not
    UTF-8 is Windows-1256 if that is plausible, else an Arabic-script
    encoding charset-normalizer finds; any other file with some UTF-8 is
    read line by line (see ``decode_line``); the rest is skipped.
    """
    notes: list[str] = []
    bom = bom_encoding(data[:4])
    if bom:
        name, size = bom
        body = data[size:]
        text = body.decode(name, errors="replace")
        bad = _invalid_bytes(body, name)
        if bad > max(1, len(text) // 100):
            raise Skip(f"starts with a {name.upper()} byte-order mark but is not {name.upper()} text")
        if bad:
            notes.append(f"{_plural(bad, 'invalid character')} replaced with U+FFFD")
        return _without_nul(Decoded(text, name, notes))
    head = data[:8192]
    if head.count(b"\x00") >= len(head) // 8 or _arabic_wide(head):
        wide = wide_encoding(head) or _normalizer_wide(data)
        if wide:
            return _without_nul(Decoded(data.decode(wide, errors="replace"), wide))
    kind = binary_kind(head)
    if kind:
        raise Skip(f"binary file ({kind})")
    try:
        return _without_nul(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    invalid = _invalid_bytes(data, "utf-8")
    valid_non_ascii = len(data) - len(data.decode("ascii", errors="ignore")) - invalid
    if valid_non_ascii < invalid:  # mostly not UTF-8: a legacy file, read whole
        text = data.decode("cp1256", errors="replace")
        if plausible_cp1256(text):
            return _without_nul(Decoded(text, "cp1256"))
        guessed = _normalizer_arabic(data)
        if guessed:
            return _without_nul(guessed)
        if not valid_non_ascii:
            raise Skip("not UTF-8, and not plausible Windows-1256 text (binary or unknown encoding)")
    counts = LineNotes()
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            text, how = decode_line(line)
            counts.add(how)
            out.append(text)
    return _without_nul(Decoded("\n".join(out), "utf-8", counts.notes()))


def _without_nul(decoded: Decoded) -> Decoded:
    """NUL characters carry no text and break downstream tools: removed, and said so."""
    nul = decoded.text.count("\x00")
    if nul:
        decoded.text = decoded.text.replace("\x00", "")
        decoded.notes.append(f"{_plural(nul, 'NUL byte')} removed")
    return decoded


def _normalizer_best(data: bytes):
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional at run time: the hand-written rules still work
        return None
    try:
        return from_bytes(data[:200_000]).best()
    except Exception:  # a detector bug must not stop an indexing run
        return None


def _normalizer_wide(data: bytes) -> str | None:
    best = _normalizer_best(data)
    if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
        name = best.encoding.replace("_", "-")
        if _textlike(data[:8192 - 8192 % 4].decode(name, errors="replace")):
            return name
    return None


_ARABIC_CODECS = ("cp1256", "iso8859_6", "cp720", "cp864", "mac_arabic", "mac_farsi")


def _normalizer_arabic(data: bytes) -> Decoded | None:
    """Another Arabic-script legacy encoding (ISO-8859-6, DOS-720…), if charset-normalizer sees one."""
    best = _normalizer_best(data)
    if best is None or best.encoding not in _ARABIC_CODECS:
        return None
    text = data.decode(best.encoding, errors="replace")  # all of it: the guess saw a sample
    letters = len(ARABIC_SCRIPT.findall(text))
    if letters < 10 or letters < len(text.replace(" ", "")) * 0.5:
        return None
    return Decoded(text, best.encoding)


def encoding_name(codec: str) -> str:
    return _NAMES.get(codec, codec.upper())


# --- streamed lines (JSONL) ------------------------------------------------------


def read_lines(fh, limit: int, counts: LineNotes):
    """(line number, text or None when over ``limit`` bytes, byte length) per line of ``fh``.

    Read as a stream, one line in memory at a time.  UTF-8 (the JSONL norm)
    is read as bytes and decoded line by line, so a bad line costs only
    itself; NUL bytes are dropped (JSON cannot contain them); UTF-16/32 (a
    BOM, or recognized) goes through a decoding reader.  ``counts`` collects
    what was repaired.
    """
    head = fh.peek(8192)[:8192]
    bom = bom_encoding(head[:4])
    wide = None
    if bom and bom[0] != "utf-8":
        wide = bom[0][:6]  # "utf-16"/"utf-32": the codec reads and drops the BOM
    elif not bom:
        wide = wide_encoding(head)
    if wide:
        reader = io.TextIOWrapper(fh, encoding=wide, errors="replace", newline="")
        for lineno, line in enumerate(_bounded(reader.readline, limit // 2, "\n"), 1):
            yield lineno, line, (len(line.encode("utf-8", "surrogatepass")) if line is not None
                                 else limit + 1)
        reader.detach()
        return
    if bom:
        fh.read(len(codecs.BOM_UTF8))
    for lineno, raw in enumerate(_bounded(fh.readline, limit, b"\n"), 1):
        if raw is None:
            yield lineno, None, limit + 1
            continue
        if b"\x00" in raw:
            counts.nul_bytes += raw.count(b"\x00")
            raw = raw.replace(b"\x00", b"")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, how = decode_line(raw)
            counts.add(how)
        yield lineno, text, len(raw)


def _bounded(readline, limit: int, newline):
    """Lines of at most ``limit`` units; a longer one is read past, never held, and yielded as None."""
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(newline):
            while (rest := readline(1 << 20)) and not rest.endswith(newline):
                pass
            yield None
            continue
        yield line
