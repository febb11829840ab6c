"""A tiny PNG writer (zlib + struct) and a histogram drawn with it, so plots need no matplotlib.

``Canvas`` is an RGB pixel buffer with rectangles and a 3x5 pixel font (digits, capitals and a
few signs); ``encode_png`` turns pixels into a valid PNG (8-bit RGB, filter 0, one IDAT chunk);
``histogram_png`` draws the bar chart of a list of values: bars on white, pixel tick marks and
numbers on both axes.
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
WHITE, BLACK, GREY, BAR = (255, 255, 255), (0, 0, 0), (200, 200, 200), (66, 110, 180)

# 3x5 glyphs, one string of 15 bits per character, read row by row.
_FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001010010010",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", "/": "001001010100100",
    "%": "101001010100101", "-": "000000111000000", "=": "000111000111000", "(": "010100100100010",
    ")": "010001001001010", ":": "000010000010000", " ": "000000000000000",
    "A": "010101111101101", "B": "110101110101110", "C": "011100100100011", "D": "110101101101110",
    "E": "111100110100111", "F": "111100110100100", "G": "011100101101011", "H": "101101111101101",
    "I": "111010010010111", "J": "001001001101010", "K": "101101110101101", "L": "100100100100111",
    "M": "101111111101101", "N": "110101101101101", "O": "010101101101010", "P": "110101110100100",
    "Q": "010101101110011", "R": "110101110101101", "S": "011100010001110", "T": "111010010010010",
    "U": "101101101101111", "V": "101101101101010", "W": "101101111111101", "X": "101101010101101",
    "Y": "101101010010010", "Z": "111001010100111",
}


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(width, height, rgb):
    """PNG bytes for ``rgb``: ``width * height * 3`` bytes, rows top to bottom."""
    if len(rgb) != width * height * 3:
        raise ValueError(f"expected {width * height * 3} bytes of pixels, got {len(rgb)}")
    stride = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[row * stride:(row + 1) * stride]) for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")


class Canvas:
    """An RGB image in memory; (0, 0) is the top left corner."""

    def __init__(self, width, height, background=WHITE):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def rect(self, left, top, right, bottom, color):
        """Fill the pixels with ``left <= x < right`` and ``top <= y < bottom`` (clipped)."""
        left, right = max(int(left), 0), min(int(right), self.width)
        top, bottom = max(int(top), 0), min(int(bottom), self.height)
        if left >= right:
            return
        row = bytes(color) * (right - left)
        for y in range(top, bottom):
            start = (y * self.width + left) * 3
            self.pixels[start:start + len(row)] = row

    def text(self, left, top, text, color=BLACK, scale=2):
        """Write ``text`` (capitals, digits, a few signs) with its top left corner at (left, top)."""
        for position, character in enumerate(text.upper()):
            glyph = _FONT.get(character, _FONT[" "])
            x0 = left + position * 4 * scale
            for index, bit in enumerate(glyph):
                if bit == "1":
                    x, y = x0 + (index % 3) * scale, top + (index // 3) * scale
                    self.rect(x, y, x + scale, y + scale, color)

    @staticmethod
    def text_width(text, scale=2):
        return max(len(text) * 4 * scale - scale, 0)

    def png(self):
        return encode_png(self.width, self.height, self.pixels)

    def save(self, path):
        with open(path, "wb") as file:
            file.write(self.png())
        return path


def bin_counts(values, high, bins):
    """How many values fall in each of ``bins`` equal bins over [0, high] (the last one closed)."""
    counts = [0] * bins
    for value in values:
        index = int(value / high * bins) if high > 0 else 0
        counts[min(max(index, 0), bins - 1)] += 1
    return counts


def _nice_step(largest, most_ticks=8):
    step = 1
    while largest / step > most_ticks:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50, ...
            step *= factor
            if largest / step <= most_ticks:
                break
    return int(step)


def histogram_png(path, values, high, bins=10, title="", x_label="", width=640, height=400):
    """Write the histogram of ``values`` over [0, high] as a PNG at ``path``."""
    counts = bin_counts(values, high, bins)
    canvas = Canvas(width, height)
    left, right, top, bottom = 56, width - 24, 40, height - 48
    canvas.text(left, 12, title)
    tallest = max(counts + [1])
    step = _nice_step(tallest)
    top_count = -(-tallest // step) * step

    def y_of(count):
        return bottom - (bottom - top) * count / top_count

    for count in range(0, top_count + 1, step):  # y ticks, light grid lines, labels
        y = round(y_of(count))
        canvas.rect(left + 1, y, right, y + 1, GREY)
        canvas.rect(left - 6, y, left, y + 1, BLACK)
        label = str(count)
        canvas.text(left - 10 - Canvas.text_width(label), y - 5, label)
    bar_width = (right - left) / bins
    for index, count in enumerate(counts):
        x0, x1 = left + index * bar_width, left + (index + 1) * bar_width
        canvas.rect(round(x0) + 2, round(y_of(count)), round(x1) - 1, bottom, BAR)
    canvas.rect(left, top, left + 1, bottom + 1, BLACK)  # axes
    canvas.rect(left, bottom, right, bottom + 1, BLACK)
    label_every = 1 if bar_width >= 40 else 2 if bar_width >= 20 else 5
    for index in range(bins + 1):  # x ticks at the bin edges
        x = round(left + index * bar_width)
        canvas.rect(x, bottom, x + 1, bottom + 6, BLACK)
        if index % label_every == 0 or index == bins:
            label = f"{high * index / bins:.3g}"
            canvas.text(x - Canvas.text_width(label) // 2, bottom + 10, label)
    if x_label:
        canvas.text((left + right - Canvas.text_width(x_label)) // 2, bottom + 28, x_label)
    return canvas.save(path)
