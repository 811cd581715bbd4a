"""Untrusted text made safe for where it is shown: a terminal or GitHub-flavoured markdown.

Values in reports come from GitHub (variable values, environment and ruleset names) or from a policy
someone else may have written. Written raw, a newline or an ANSI escape rewrites a terminal line, and
in markdown a backtick, ``|``, newline, ``#`` or ``@team`` breaks out of a table cell, links an issue or
pings people.
"""

from __future__ import annotations

import html
import re

# What a terminal interprets or hides rather than shows: C0 and C1 controls (NEL U+0085 included) and
# DEL, the line and paragraph separators, the bidirectional controls of "Trojan Source" (CVE-2021-42574),
# zero-width spaces and the byte-order mark, Unicode tag characters, and lone surrogates (file names of
# undecodable bytes, which no UTF-8 stream can even write). Joiners (U+200C, U+200D) stay: scripts and
# emoji need them.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()+\-.!|~])")
_NEWLINES = re.compile(r"\r\n|\r|\n")
_MENTIONS = re.compile(r"[@#]")
ZERO_WIDTH_SPACE = "&#8203;"


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    r"""One printable line: control characters (newlines, ANSI escapes, NUL...), line separators and
    bidirectional controls shown as ``\xNN`` or ``\uNNNN``, never interpreted.
    """
    return _CONTROL.sub(_escaped, text)


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
