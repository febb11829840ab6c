"""Laying out plain text for the words the core writes: feedback, check failures, generated source."""


def indented(text):
    """``text`` with four spaces before each of its lines (blank ones too), without a final newline."""
    return "\n".join("    " + line for line in text.splitlines())
