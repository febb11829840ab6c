"""all: FFT-based convolution via numpy.fft (reversed kernel, valid part cropped, then strided)

Pooling takes a running np.maximum over the size*size shifted, strided views.

Results differ from direct summation only by floating-point rounding
(entries that should be exactly zero come out as ~1e-16).
"""
import numpy as np


def _fft_valid_correlate(xp, w):
    """Valid cross-correlation over the last len(w.shape) axes of xp via FFT.

    xp: (..., *S), w: (*F) -> (..., *[S_i - F_i + 1]).
    """
    nd = w.ndim
    spatial = xp.shape[-nd:]
    full = tuple(s + f - 1 for s, f in zip(spatial, w.shape, strict=True))
    axes = tuple(range(-nd, 0))
    kernel = np.flip(w)  # correlation = convolution with the reversed kernel
    prod = np.fft.rfftn(xp, full, axes=axes) * np.fft.rfftn(kernel, full, axes=axes)
    conv = np.fft.irfftn(prod, full, axes=axes)
    crop = tuple(slice(f - 1, s) for s, f in zip(spatial, w.shape, strict=True))
    return conv[(Ellipsis,) + crop]


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    return _fft_valid_correlate(xp, w)[::stride].copy()


def conv1d_matrix(w, n, stride=1, padding=0):
    # column j of M is the response to the j-th unit vector; all columns at once
    w = np.asarray(w, dtype=float)
    eye = np.pad(np.eye(n), ((0, 0), (padding, padding)))  # row j = padded e_j
    responses = _fft_valid_correlate(eye, w)[:, ::stride]  # (n, n_out)
    return responses.T.copy()


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    return _fft_valid_correlate(xp, w)[::stride, ::stride].copy()


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    fh, fw = filters.shape[2:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    Hp, Wp = xp.shape[1:]
    full = (Hp + fh - 1, Wp + fw - 1)
    X = np.fft.rfft2(xp, full)  # (d, ., .)
    F = np.fft.rfft2(filters[:, :, ::-1, ::-1], full)  # (k, d, ., .)
    Y = np.einsum("kdab,dab->kab", F, X)  # sum over input channels in frequency space
    conv = np.fft.irfft2(Y, full)
    out = conv[:, fh - 1:Hp, fw - 1:Wp][:, ::stride, ::stride]
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)[:, None, None]
    return np.ascontiguousarray(out)


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k, H, W = x.shape
    out_h = (H - size) // stride + 1
    out_w = (W - size) // stride + 1
    out = np.full((k, out_h, out_w), -np.inf)
    for a in range(size):
        for b in range(size):
            shifted = x[:, a:a + stride * (out_h - 1) + 1:stride, b:b + stride * (out_w - 1) + 1:stride]
            np.maximum(out, shifted, out=out)
    return out
