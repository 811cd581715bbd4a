"""Untrusted text made safe for where it is shown: a terminal or GitHub-flavoured markdown.

Values in reports come from GitHub (variable values, environment and ruleset names) or from a policy
someone else may have written. Written raw, a newline or an ANSI escape rewrites a terminal line, and
in markdown a backtick, ``|``, newline, ``#`` or ``@team`` breaks out of a table cell, links an issue or
pings people.
"""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()+\-.!|~])")
_NEWLINES = re.compile(r"\r\n|\r|\n")
_MENTIONS = re.compile(r"[@#]")
ZERO_WIDTH_SPACE = "&#8203;"


def printable(text: str) -> str:
    r"""Control characters (newlines, ANSI escapes, NUL...) shown as ``\xNN``, never interpreted."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def markdown_text(text: str) -> str:
    r"""Inline markdown that renders as exactly ``text``: no formatting, links, mentions or new lines.

    HTML is escaped, markdown punctuation backslash-escaped, ``@`` and ``#`` followed by a zero-width
    space (so ``@team`` mentions and ``#12`` references stay plain text, as Dependabot does), line breaks
    become ``<br>`` and other control characters ``\xNN``.
    """
    text = html.escape(text, quote=False)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    text = _MENTIONS.sub(lambda match: match.group() + ZERO_WIDTH_SPACE, text)
    return printable(_NEWLINES.sub("<br>", text))


def fit(text: str, room: int, note: str) -> str:
    """``text`` as is when it has ``room`` characters, else cut so that it ends with ``note`` and fits."""
    if len(text) <= room:
        return text
    return text[: max(0, room - len(note))] + note
