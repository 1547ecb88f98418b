"""Kavosh on a terminal: marked words in colour, snippets wrapped, right-to-left for dumb terminals.

Presentation only: the engine hands over segments (plain and marked text)
and this turns them into lines.
"""

from __future__ import annotations

import re

import click


class Display:
    """Writes lines to stdout: coloured marks on a terminal, optionally in visual order.

    ``--bidi`` is for terminals without the Unicode bidi algorithm: each line
    is shaped (arabic-reshaper joins the letters) and reordered (python-bidi)
    so that it reads right to left on a left-to-right screen.
    """

    def __init__(self, bidi: bool, color: bool):
        self.color = color
        self.visual = None
        if bidi:
            from arabic_reshaper import reshape
            from bidi import get_display

            self.visual = lambda s: get_display(reshape(s))

    def line(self, text, bold=False, dim=False):
        if self.visual:
            text = self.visual(text)
        if self.color and (bold or dim):
            text = click.style(text, bold=bold, dim=dim)
        click.echo(text, color=self.color)

    def marked_line(self, indent, parts, bold=False):
        """One snippet (or, ``bold``, title) line given as [(text, marked)]."""
        if not self.color:
            self.line(indent + "".join(t for t, _ in parts))
            return
        plain = (lambda t: click.style(t, bold=True)) if bold else (lambda t: t)
        if not self.visual:
            click.echo(plain(indent) + "".join(mark(t) if m else plain(t) for t, m in parts), color=True)
            return
        # Reorder the whole line, then colour the marked words' visual forms in it.
        line = self.visual("".join(t for t, _ in parts))
        for word in {t for t, m in parts if m}:
            line = line.replace(self.visual(word), mark(self.visual(word)))
        if bold:  # a mark's reset ends the bold too: start it again after each mark
            line = click.style(line.replace(_RESET, _RESET + _BOLD), bold=True)
        click.echo(plain(indent) + line, color=True)


_RESET, _BOLD = "\x1b[0m", "\x1b[1m"


def hit_date(item) -> str | None:
    """A hit's or document's date for the terminal: the ISO day, "(file date)" when from the mtime."""
    if not item.date:
        return None
    day = item.date.replace("T", " ")[:16]
    return f"{day} (file date)" if item.date_origin == "mtime" else day


def mark(text):
    return click.style(text, fg="yellow", bold=True)


def wrap_marked(snippet, width: int, max_lines: int):
    """Wrap a snippet's segments into at most ``max_lines`` lines of (text, marked) parts.

    Lines break only at white space, so a marked word keeps the punctuation
    that touches it (کیف، stays کیف،).
    """
    pieces = []  # (text, marked); white space is its own unmarked piece
    for segment in snippet:
        if segment.marked:
            pieces.append((segment.text, True))
        else:
            pieces.extend((p, False) for p in re.split(r"(\s+)", segment.text) if p)
    lines, current, length = [], [], 0
    for text, marked in pieces:
        if not marked and text.isspace():
            if length + 1 > width:
                lines.append(current)
                current, length = [], 0
                if len(lines) == max_lines:
                    return lines
            elif current:
                current.append((" ", False))
                length += 1
            continue
        if current and length + len(text) > width and current[-1][0] == " ":
            current.pop()
            lines.append(current)
            current, length = [], 0
            if len(lines) == max_lines:
                return lines
        current.append((text, marked))
        length += len(text)
    if current and len(lines) < max_lines:
        lines.append(current)
    return lines
