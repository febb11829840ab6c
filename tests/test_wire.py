"""The wire format carries plain data only and rejects anything else, in both directions."""

import re

import numpy as np
import pytest

from autograder.sandbox import wire


def test_round_trip_of_plain_data():
    value = {"a": (np.arange(6.0).reshape(2, 3), 1, 2.5, None, True), "b": [np.float32(1.5), "text"],
             "c": np.array([1, 2], dtype=np.int64)}
    back = wire.decode(wire.encode(value))
    assert back["a"][0].tolist() == [[0, 1, 2], [3, 4, 5]] and back["a"][1:] == (1, 2.5, None, True)
    assert back["b"] == [1.5, "text"] and back["c"].dtype == np.int64


def test_decoded_arrays_are_plain_writable_ndarrays():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return True

    sent = np.arange(3.0).view(Sneaky)
    back = wire.decode(wire.encode(sent))
    assert type(back) is np.ndarray and back.flags.writeable
    assert not np.array_equal(back, np.zeros(3))


@pytest.mark.parametrize("value", [object(), np.array([object()]), {1: 2}, lambda: 0, np.array(["s"])])
def test_refuses_to_encode_objects(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


def framed(header, body=b""):
    """A message with a correct header length, so that only what the case names is wrong."""
    return len(header).to_bytes(4, "big") + header + body


@pytest.mark.parametrize("message, reason", [
    (b"", "truncated message"),
    (b"\x00\x00\x00\x05{}", "truncated header"),
    (framed(b"\xff{"), "unreadable header"),
    (framed(b"null", b"extra"), "unexpected bytes after the arrays"),
    (framed(b'{"array": 0, "dtype": "|O", "shape": [1]}', b"\x00" * 8), "arrays of dtype '|O' are not accepted"),
    (framed(b'{"array": 1, "dtype": "<f8", "shape": [1]}', b"\x00" * 8), "malformed array in header"),
    (framed(b'{"array": 0, "dtype": "<f8", "shape": [10]}', b"\x00" * 8), "array bytes missing"),
    (framed(b'{"array": 0, "dtype": "<f8", "shape": [-1]}'), "malformed array shape"),
    (framed(b'{"eval": "1"}'), "malformed value in header"),
], ids=["empty", "short-header", "not-json", "extra-bytes", "object-dtype", "wrong-index", "short-array",
        "negative-shape", "unknown-node"])
def test_refuses_malformed_messages_for_the_reason_named(message, reason):
    with pytest.raises(wire.WireError, match=re.escape(reason)):
        wire.decode(message)
