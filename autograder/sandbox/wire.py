"""The wire format between the grader and the student worker: plain data only, never pickles.

A message is a JSON header followed by the raw bytes of the arrays it mentions::

    [4-byte big-endian header length][header JSON][array 0 bytes][array 1 bytes]...

The header holds a tree of JSON values in which an ndarray is replaced by
``{"array": i, "dtype": "<f8", "shape": [2, 3]}``, ``i`` indexing the byte blocks that follow, and a
tuple by ``{"tuple": [...]}``. Allowed values: None, bool, int, float, str, list, tuple, dict with
str keys, and ndarrays of the dtypes in ``ARRAY_DTYPES``. Decoding rebuilds base-class ndarrays from
bytes, so nothing the student side sends can carry behaviour (no subclasses, no objects, no code).

Every reply of the worker is a dict whose ``"status"`` is a word of ``OutcomeStatus``, defined here
so that both sides spell each word from one place.

This module runs on both sides: keep it free of imports beyond numpy and the standard library.
"""

import enum
import json
import math
import struct

import numpy as np

ARRAY_DTYPES = {"<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"}
MAX_MESSAGE_BYTES = 256 * 2**20
MAX_DEPTH = 20
# Written by the worker after the student's output of each call, when the grader reads output with a
# thread (no select() on pipes): it tells the grader it has all of that output.
END_OF_OUTPUT = b"\x00\x1eend of call output\x1e\x00"
_HEADER_LENGTH = struct.Struct(">I")


class OutcomeStatus(str, enum.Enum):
    """What became of a call, or of loading the file; the values are the words of the wire.

    The worker answers a call with RETURNED, RAISED, NOT_IMPLEMENTED, MISSING, UNSENDABLE or REFUSED, the
    loading of the file with READY or IMPORT_FAILED, and asks for a nested call with ORACLE; the
    grader decides TIMEOUT, CRASHED and GARBLED itself, when the worker could not answer properly
    (those three never cross the wire).
    """

    RETURNED = "returned"
    RAISED = "raised"
    NOT_IMPLEMENTED = "not_implemented"  # it raised NotImplementedError (the skeleton's body)
    MISSING = "missing"  # the module has no such function
    UNSENDABLE = "unsendable"  # it returned something other than plain data
    READY = "ready"  # the file loaded (never an outcome of ``Worker.call``)
    IMPORT_FAILED = "import_failed"
    ORACLE = "oracle"  # a nested call for the reference to answer (never an outcome of ``Worker.call``)
    REFUSED = "refused"  # it called a function the grader refused to run (the reply names it: ``function``)
    TIMEOUT = "timeout"  # over a time limit: ``Outcome.limit`` says which
    CRASHED = "crashed"  # the worker died, or its processes used too much memory together
    GARBLED = "garbled"  # the worker's reply was unreadable, too big or out of turn


# What a worker may answer a call with.
CALL_REPLIES = frozenset({OutcomeStatus.RETURNED, OutcomeStatus.RAISED, OutcomeStatus.NOT_IMPLEMENTED,
                          OutcomeStatus.MISSING, OutcomeStatus.UNSENDABLE, OutcomeStatus.REFUSED})
WORKER_REPLIES = CALL_REPLIES | {OutcomeStatus.READY, OutcomeStatus.IMPORT_FAILED, OutcomeStatus.ORACLE}


class WireError(ValueError):
    """A message that is not valid plain data (raised on either side)."""


def encode(value):
    """Serialise ``value`` to bytes. Raises WireError for anything that is not plain data."""
    blobs = []
    tree = _to_tree(value, blobs, depth=0)
    header = json.dumps(tree, allow_nan=True).encode()
    return b"".join([_HEADER_LENGTH.pack(len(header)), header, *blobs])


def decode(message):
    """Rebuild the value from bytes made by ``encode``; validate everything, trust nothing."""
    if len(message) < _HEADER_LENGTH.size:
        raise WireError("truncated message")
    (header_length,) = _HEADER_LENGTH.unpack_from(message)
    body_start = _HEADER_LENGTH.size + header_length
    if body_start > len(message):
        raise WireError("truncated header")
    try:
        tree = json.loads(message[_HEADER_LENGTH.size:body_start])
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise WireError(f"unreadable header: {error}") from None
    blobs = _BlobReader(memoryview(message)[body_start:])
    value = _from_tree(tree, blobs, depth=0)
    blobs.check_consumed()
    return value


def too_large(reply_bytes):
    """What is said of a reply longer than the grader reads (``reply_bytes``), by whichever side finds it."""
    return f"it returned more than {reply_bytes / 2**20:g} MiB of data (the grader reads no more)"


def write_message(stream, value):
    """Write one framed message (8-byte length, then the encoded bytes) to a binary stream."""
    write_encoded(stream, encode(value))


def write_encoded(stream, data):
    """Write the bytes ``encode`` made of a value as one framed message."""
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def read_message_bytes(read_exactly):
    """Read one framed message with ``read_exactly(n) -> bytes``; return its encoded bytes."""
    (length,) = struct.unpack(">Q", read_exactly(8))
    if length > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {length} bytes is larger than the limit")
    return read_exactly(length)


def _to_tree(value, blobs, depth):
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        if dtype.str not in ARRAY_DTYPES:
            raise WireError(f"an array of dtype {value.dtype} cannot be sent")
        blobs.append(array.astype(dtype, copy=False).tobytes())
        return {"array": len(blobs) - 1, "dtype": dtype.str, "shape": list(array.shape)}
    if isinstance(value, tuple):
        return {"tuple": [_to_tree(item, blobs, depth + 1) for item in value]}
    if isinstance(value, list):
        return [_to_tree(item, blobs, depth + 1) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise WireError("only dicts with str keys can be sent")
        return {"dict": {key: _to_tree(item, blobs, depth + 1) for key, item in value.items()}}
    raise WireError(f"a value of type {type(value).__name__} cannot be sent")


def _from_tree(tree, blobs, depth):
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [_from_tree(item, blobs, depth + 1) for item in tree]
    if isinstance(tree, dict) and set(tree) == {"tuple"} and isinstance(tree["tuple"], list):
        return tuple(_from_tree(item, blobs, depth + 1) for item in tree["tuple"])
    if isinstance(tree, dict) and set(tree) == {"dict"} and isinstance(tree["dict"], dict):
        return {key: _from_tree(item, blobs, depth + 1) for key, item in tree["dict"].items()}
    if isinstance(tree, dict) and set(tree) == {"array", "dtype", "shape"}:
        return blobs.array(tree)
    raise WireError("malformed value in header")


class _BlobReader:
    """Hands out the byte blocks after the header, in order, as fresh base-class ndarrays."""

    def __init__(self, data):
        self._data = data
        self._offset = 0
        self._next_index = 0

    def array(self, spec):
        dtype, shape = spec["dtype"], spec["shape"]
        if dtype not in ARRAY_DTYPES:
            raise WireError(f"arrays of dtype {dtype!r} are not accepted")
        if spec["array"] != self._next_index:
            raise WireError("malformed array in header")
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape
        ):
            raise WireError("malformed array shape")
        count = math.prod(shape)  # Python ints: exact, however large
        size = count * np.dtype(dtype).itemsize
        if self._offset + size > len(self._data):
            raise WireError("array bytes missing")
        block = self._data[self._offset:self._offset + size]
        self._offset += size
        self._next_index += 1
        return np.frombuffer(block, dtype=dtype).reshape(shape).copy()

    def check_consumed(self):
        if self._offset != len(self._data):
            raise WireError("unexpected bytes after the arrays")
