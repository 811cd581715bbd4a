"""Untrusted text on a terminal: one printable line, whatever it holds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repoconf.text import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\\x0ab"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x9b31m", "\\x9b31m"),  # the one-byte CSI of C1
        ("a\x85b", "a\\x85b"),  # NEL
        ("a\u2028b\u2029", "a\\u2028b\\u2029"),  # line and paragraph separators
        ("\u202eevil", "\\u202eevil"),  # right-to-left override (Trojan Source)
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("file\udcff", "file\\udcff"),  # an undecodable byte of a file name
        ("café ☕ 👩\u200d💻 مرحبا", "café ☕ 👩\u200d💻 مرحبا"),  # text stays text, joiners included
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@given(st.text())
def test_any_text_becomes_one_line_a_terminal_can_write(text: str) -> None:
    shown = printable(text)
    # no control character (C0, C1, DEL), no line or paragraph separator, no lone surrogate, no bidi control
    assert not [char for char in shown if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")]
    assert not [char for char in shown if char in BIDI]
    shown.encode("utf-8")  # stdout can write it
