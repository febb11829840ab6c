"""Text from student code made safe to show: no control characters, no terminal escape sequences.

What a submission prints, raises or returns ends up on screens: Gradescope's page, the class pages,
and the terminal of whoever runs ``make grade``, where escape sequences would clear the screen,
move the cursor, retitle the window or draw a fake table of points. ``printable`` replaces every
escape sequence (ANSI CSI, OSC, DCS and the like, in their 7-bit and 8-bit forms) and every other
control character by one visible ``PLACEHOLDER``, so a reader sees that something was there; tabs
and newlines stay, and a Windows line end becomes a newline. Bidirectional overrides, which reorder
the text around them (and so what a score or a name appears to say), count as control characters.
"""

import re

PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"

_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"  # CSI: parameters, intermediates, final byte
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS...: text up to its end
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"  # any other escape: intermediates and a final byte
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text):
    """``text`` with escape sequences and control characters (but tabs and newlines) replaced by ``PLACEHOLDER``."""
    if text.isascii() and text.isprintable():  # most text (names, numbers, messages): nothing to replace
        return text
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(PLACEHOLDER, _ESCAPE_SEQUENCE.sub(PLACEHOLDER, text))
