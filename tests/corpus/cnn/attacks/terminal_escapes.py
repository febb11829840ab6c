"""attack: draw a fake "220/220" table on the screen of whoever reads the feedback, with escape sequences.

Everything a function prints, raises or returns carries ANSI and OSC sequences: clear the screen,
move the cursor home, retitle the window, hide the text after it, link to a page, and the 8-bit
forms of the same (C1 codes), carriage returns that overwrite a line, and a right-to-left override.
conv1d prints the fake table (stdout and straight to file descriptor 2) and raises; conv1d_matrix
raises with 8-bit escapes; conv2d returns a dict whose keys are escapes and whose values are big
nested lists; conv2d_multichannel returns a string of escapes; max_pool2d returns a dict of a
hundred long strings. In `make grade`'s terminal the escapes would replace the real table of
zeros; the feedback must show none of them, and every value rendered in a few lines.
"""

import os
import sys

CLEAR, HOME, HIDE = "\x1b[2J", "\x1b[H", "\x1b[8m"
TITLE = "\x1b]0;graded: 220/220\x07"
LINK = "\x1b]8;;https://example.com/grades\x1b\\your grades\x1b]8;;\x1b\\"
FAKE_TABLE = (CLEAR + HOME + TITLE + "function             points   result\n"
              + "".join(f"{name:<20} 20/20    \x1b[32m\u2713 passed\x1b[0m\n"
                        for name in ("conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d"))
              + "total                220/220\n" + LINK + HIDE)
EIGHT_BIT = "\x9b2J\x9bH\x9d0;graded: 220/220\x9c\r" + "total 220/220 \u202e022/022"

print(FAKE_TABLE)  # at import: never shown while the file loads, but the grader must not care
sys.stdout.flush()


class Looks(Exception):
    pass


def conv1d(x, w, stride=1, padding=0):
    print(FAKE_TABLE)
    sys.stdout.flush()
    os.write(2, (FAKE_TABLE + EIGHT_BIT).encode())
    raise Looks(FAKE_TABLE)


def conv1d_matrix(w, n, stride=1, padding=0):
    raise Looks(EIGHT_BIT + "\x07\x08\x00\x7f")


def conv2d(x, w, stride=1, padding=0):
    nested = [[list(range(20))] * 12] * 3
    return {FAKE_TABLE: nested, "\x1b[31mkey": {TITLE * 20: nested}, **{f"k{i}": i for i in range(100)}}


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    return FAKE_TABLE * 20


def max_pool2d(x, size, stride=None):
    return {f"{CLEAR}{i}": EIGHT_BIT * 10 for i in range(100)}
