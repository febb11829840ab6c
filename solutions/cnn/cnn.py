"""Convolutional neural networks from scratch, with numpy only.

This file is the whole assignment: you fill in the functions below, and you hand in this one
file. Parts 1-4 build the layers of a convolutional network, one lecture idea at a time:

* Part 1, ``conv1d``: cross-correlation of a signal with a filter (a "convolution" in deep
  learning), with stride and zero padding.
* Part 2, ``conv1d_matrix``: the same operation written as a matrix. A convolutional layer is a
  fully connected layer whose weight matrix is banded (local connectivity) and repeats the same
  few weights on every row (weight sharing).
* Part 3, ``conv2d``: the same idea on images, sliding a 2-D filter over a 2-D input.
* Part 4, ``conv2d_multichannel`` and ``max_pool2d``: the layers of a real CNN. Inputs are
  tensors of shape (channels, height, width); a bank of k filters, each spanning all input
  channels, makes k output channels; max pooling shrinks each channel on its own.
* Part 5, from ``relu_forward`` to ``predict``: the same ideas as layers with forward and
  backward passes on batches (N, C, H, W), a small network conv -> ReLU -> max pool -> linear ->
  softmax, trained with mini-batch SGD to recognise handwritten digits. Part 5 takes numpy
  arrays (float64 images, integer labels), not lists.
* Part 6, from ``fc_params`` to ``receptive_field``: counting, no arrays. The number of
  parameters of a fully connected layer, of a convolutional layer and of a whole stack (why
  images need convolutions), the output shape of every layer of a stack, and the receptive
  field: how wide a window of the input one unit of a stack of convolutions and poolings sees.

Conventions shared by every function:

* No kernel flip: ``out[i] = sum_t x[i * stride + t] * w[t]``, exactly as in the lecture.
* Zero padding adds ``padding`` zeros at both ends of every spatial axis before the filter
  slides; positions where the filter would stick out of the padded input are not computed.
* Output size along an axis of length n, filter extent m, stride s, padding p::

      n_out = floor((n + 2 * p - m) / s) + 1

* Inputs may be lists or arrays of any numeric dtype; they are read as float64 arrays.
* Every function of parts 1-5 returns a NEW float64 array (part 6: plain ints) and never
  modifies its arguments.
* Only numpy is needed (and allowed). No printing and no file I/O.
"""

import numpy as np


# BEGIN SOLUTION
# For teaching assistants: solutions/cnn/naive.py has every layer below as plain loops, to read beside it.
def _pad(x, padding):
    """x with `padding` zeros added on both sides of its last two axes (rows and columns): a new
    float64 array."""
    *outer, H, W = x.shape
    padded = np.zeros((*outer, H + 2 * padding, W + 2 * padding))
    padded[..., padding:padding + H, padding:padding + W] = x
    return padded


def _windows(x, shape, stride):
    """Every window of the given shape over the last axes of x, stepping by `stride`: a view, no copy.

    For shape (fh, fw) and x of shape (..., H, W) the view has shape (..., H', W', fh, fw), with
    H' = (H - fh) // stride + 1 and W' = (W - fw) // stride + 1, and
    windows[..., i, j, :, :] is x[..., i*stride : i*stride + fh, j*stride : j*stride + fw]
    (for shape (m,): windows[..., i, :] is x[..., i*stride : i*stride + m]). Windows that do not
    fit inside x are never made. The view is read-only: it shares x's memory.
    """
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    every_position = np.lib.stride_tricks.sliding_window_view(x, shape, axis=axes)
    on_the_stride_grid = (Ellipsis,) + (slice(None, None, stride),) * len(shape) + (slice(None),) * len(shape)
    return every_position[on_the_stride_grid]
# END SOLUTION


def conv1d(x, w, stride=1, padding=0):
    """1-D cross-correlation ("convolution" in deep learning) of a signal with a filter.

    The filter w slides along x; at each position the output is the dot product of w with the
    piece of x under it. The filter is NOT flipped. With xp the zero-padded input,

        out[i] = sum over t of xp[i * stride + t] * w[t]        (t = 0, ..., m - 1)

    Inputs:
    - x: signal, shape (n,)
    - w: filter, shape (m,), with 1 <= m <= n + 2 * padding
    - stride: distance between neighbouring filter positions, an int >= 1
    - padding: number of zeros added at EACH end of x before sliding, an int >= 0

    Returns:
    - out: a new float64 array of shape (n_out,), where
      n_out = floor((n + 2 * padding - m) / stride) + 1

    Example: an edge detector, which marks where the signal goes up (1) or down (-1).

        x = [0, 1, 0, 1, 1], w = [-1, 1]
        out[0] = -1*0 + 1*1 =  1
        out[1] = -1*1 + 1*0 = -1
        out[2] = -1*0 + 1*1 =  1
        out[3] = -1*1 + 1*1 =  0

    >>> conv1d([0, 1, 0, 1, 1], [-1, 1])
    array([ 1., -1.,  1.,  0.])
    >>> conv1d([0, 1, 0, 1, 1], [-1, 1], stride=2)  # positions 0 and 2 only
    array([1., 1.])
    >>> conv1d([0, 1, 0, 1, 1], [-1, 1], padding=1)  # slides over [0, 0, 1, 0, 1, 1, 0]
    array([ 0.,  1., -1.,  1.,  0., -1.])

    Lecture idea: a convolution is one small filter slid along the input, with stride and zero
    padding deciding where it stops and so how long the output is.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)  # (n + 2 * padding,): zeros at both ends
    windows = _windows(xp, w.shape, stride)  # (n_out, m): windows[i] = xp[i*stride : i*stride + m]
    return windows @ w  # (n_out,): one dot product per filter position
    # END SOLUTION


def conv1d_matrix(w, n, stride=1, padding=0):
    """The matrix M of the 1-D convolution with filter w: M @ x == conv1d(x, w, stride, padding).

    conv1d is linear in x, so it is a matrix product: a convolutional layer is a fully connected
    layer with a very special weight matrix. Row i of M holds the filter w, placed at the columns
    of the inputs that output i looks at (columns i * stride - padding, ..., i * stride - padding
    + m - 1), and zeros elsewhere. Padded zeros multiply entries of w by 0, so they need no
    columns: M has one column per REAL input, and the entries of w that would fall on padding are
    simply left out of the row.

    Inputs:
    - w: filter, shape (m,), with 1 <= m <= n + 2 * padding
    - n: length of the inputs x the matrix is applied to, an int >= 1
    - stride, padding: as in conv1d

    Returns:
    - M: a new float64 array of shape (n_out, n), where
      n_out = floor((n + 2 * padding - m) / stride) + 1

    Example: the edge detector w = [-1, 1] on inputs of length 4 has 3 outputs.

    >>> conv1d_matrix([-1, 1], 4)
    array([[-1.,  1.,  0.,  0.],
           [ 0., -1.,  1.,  0.],
           [ 0.,  0., -1.,  1.]])
    >>> conv1d_matrix([-1, 1], 4, stride=2)  # the band moves 2 columns per row
    array([[-1.,  1.,  0.,  0.],
           [ 0.,  0., -1.,  1.]])
    >>> conv1d_matrix([-1, 1], 4, padding=1)  # first and last rows lose the entry on padding
    array([[ 1.,  0.,  0.,  0.],
           [-1.,  1.,  0.,  0.],
           [ 0., -1.,  1.,  0.],
           [ 0.,  0., -1.,  1.],
           [ 0.,  0.,  0., -1.]])

    Lecture idea: local connectivity (each output depends on only m neighbouring inputs: M is
    banded) and weight sharing (every row holds the same m numbers w, shifted by stride).
    """
    # BEGIN SOLUTION
    w = np.asarray(w, dtype=float)
    m = w.shape[0]
    n_out = (n + 2 * padding - m) // stride + 1
    # First one column per PADDED input: row i holds w in columns i*stride, ..., i*stride + m - 1.
    padded = np.zeros((n_out, n + 2 * padding))
    for i in range(n_out):
        padded[i, i * stride:i * stride + m] = w  # the same w on every row: weight sharing
    # Then drop the padding columns: they only ever multiply zeros.
    return padded[:, padding:padding + n].copy()
    # END SOLUTION


def conv2d(x, w, stride=1, padding=0):
    """2-D cross-correlation of an image with a filter (no kernel flip).

    The 2-D version of conv1d: the filter slides over the image left to right and top to bottom,
    and each output entry is the sum of the filter times the patch of the image under it:

        out[i, j] = sum over a, b of xp[i * stride + a, j * stride + b] * w[a, b]

    where xp is x with `padding` rows of zeros added above and below and `padding` columns of
    zeros added left and right. The same stride is used along both axes.

    Inputs:
    - x: image, shape (H, W)
    - w: filter, shape (fh, fw), with 1 <= fh <= H + 2 * padding, 1 <= fw <= W + 2 * padding
    - stride: an int >= 1, used along both axes
    - padding: an int >= 0, used on all four sides

    Returns:
    - out: a new float64 array of shape (H_out, W_out), where
      H_out = floor((H + 2 * padding - fh) / stride) + 1
      W_out = floor((W + 2 * padding - fw) / stride) + 1

    Example: this filter subtracts from each pixel its lower-right neighbour.

        x = [[1, 2, 0],      w = [[1,  0],
             [0, 1, 3],           [0, -1]]
             [2, 1, 0]]
        out[0, 0] = 1 - 1 =  0     out[0, 1] = 2 - 3 = -1
        out[1, 0] = 0 - 1 = -1     out[1, 1] = 1 - 0 =  1

    >>> conv2d([[1, 2, 0], [0, 1, 3], [2, 1, 0]], [[1, 0], [0, -1]])
    array([[ 0., -1.],
           [-1.,  1.]])

    With padding=1 the filter slides over the 5 x 5 image with a border of zeros, and with
    stride=2 it stops only at rows 0, 2 and columns 0, 2 of that padded image:

    >>> conv2d([[1, 2, 0], [0, 1, 3], [2, 1, 0]], [[1, 0], [0, -1]], stride=2, padding=1)
    array([[-1.,  0.],
           [-2.,  1.]])

    Lecture idea: the same sliding filter on images; a filter is a small pattern detector, and
    the output (a feature map) says where in the image the pattern is.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    windows = _windows(_pad(x, padding), w.shape, stride)  # (H_out, W_out, fh, fw): one patch per position
    # out[i, j] = sum over a, b of windows[i, j, a, b] * w[a, b]
    return np.einsum("ijab,ab->ij", windows, w)
    # END SOLUTION


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    """A convolutional layer: a bank of k filters applied to a d-channel input.

    The input is a stack of d images of the same size (for example the red, green and blue
    channels of a photo, or the d outputs of the previous layer). Each filter has the same depth
    d as the input, so it looks at a patch of ALL channels at once and produces ONE output
    channel; k filters produce k output channels. Bias f is added to every entry of channel f:

        out[f, i, j] = bias[f] + sum over c, a, b of xp[c, i * stride + a, j * stride + b]
                                                      * filters[f, c, a, b]

    where xp is x zero-padded by `padding` on all four sides of every channel. In other words,
    output channel f is the sum over input channels c of conv2d(x[c], filters[f, c]), plus bias[f].

    Inputs:
    - x: input, shape (d, H, W)
    - filters: filter bank, shape (k, d, fh, fw), with 1 <= fh <= H + 2 * padding and
      1 <= fw <= W + 2 * padding
    - bias: shape (k,), or None for no bias
    - stride: an int >= 1, used along both spatial axes
    - padding: an int >= 0, used on all four sides of every channel

    Returns:
    - out: a new float64 array of shape (k, H_out, W_out), where
      H_out = floor((H + 2 * padding - fh) / stride) + 1
      W_out = floor((W + 2 * padding - fw) / stride) + 1

    Example: d = 2 input channels of size 2 x 3, k = 2 filters of size 2 x 2.
    Filter 0 sums the 2 x 2 patches of channel 0 and ignores channel 1; filter 1 sums the
    patches of both channels; the biases are 0 and -1.

        x[0] = [[1, 2, 3],    x[1] = [[1, 1, 1],
                [4, 5, 6]]            [1, 1, 1]]
        out[0] = [[1+2+4+5, 2+3+5+6]] + 0        = [[12, 16]]
        out[1] = [[12 + 4,  16 + 4 ]] + (-1)     = [[15, 19]]

    >>> x = [[[1, 2, 3], [4, 5, 6]], [[1, 1, 1], [1, 1, 1]]]
    >>> filters = np.zeros((2, 2, 2, 2))
    >>> filters[0, 0] = 1            # filter 0: ones on channel 0, zeros on channel 1
    >>> filters[1] = 1               # filter 1: ones on both channels
    >>> conv2d_multichannel(x, filters, bias=[0, -1])
    array([[[12., 16.]],
    <BLANKLINE>
           [[15., 19.]]])

    Lecture idea: multi-channel tensors and filter banks. A filter spans all input channels, and
    a layer of k filters turns d channels into k, whatever d is.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    # The windows slide over rows and columns only: each channel c gets its own patches.
    windows = _windows(_pad(x, padding), filters.shape[2:], stride)  # (d, H_out, W_out, fh, fw)
    # out[f, i, j] = sum over c, a, b of windows[c, i, j, a, b] * filters[f, c, a, b]
    out = np.einsum("cijab,fcab->fij", windows, filters)
    if bias is not None:
        # One number per output channel, broadcast over that channel's H_out x W_out entries.
        out += np.asarray(bias, dtype=float)[:, None, None]
    return out
    # END SOLUTION


def max_pool2d(x, size, stride=None):
    """Max pooling: keep the largest value of each size x size window, channel by channel.

    The window slides by `stride` along both axes (by default stride = size: windows side by
    side, not overlapping). There is no padding, and windows that do not fit entirely inside the
    input are dropped. Channels do not mix:

        out[c, i, j] = max over a, b < size of x[c, i * stride + a, j * stride + b]

    Inputs:
    - x: input, shape (k, H, W)
    - size: side of the square pooling window, an int with 1 <= size <= H and size <= W
    - stride: an int >= 1, or None (the default) to use stride = size

    Returns:
    - out: a new float64 array of shape (k, H_out, W_out), where
      H_out = floor((H - size) / stride) + 1
      W_out = floor((W - size) / stride) + 1

    Example: 2 x 2 windows with the default stride 2 on one 4 x 4 channel.

        x[0] = [[ 1,  2,  3,  4],
                [ 5,  6,  7,  8],      max of [[1, 2], [5, 6]] is 6, and so on
                [ 9, 10, 11, 12],
                [13, 14, 15, 16]]

    >>> x = np.arange(1, 17).reshape(1, 4, 4)
    >>> max_pool2d(x, 2)
    array([[[ 6.,  8.],
            [14., 16.]]])
    >>> max_pool2d(x, 2, stride=1)  # overlapping windows
    array([[[ 6.,  7.,  8.],
            [10., 11., 12.],
            [14., 15., 16.]]])
    >>> max_pool2d(x, 3)  # one 3 x 3 window fits; the last row and column are dropped
    array([[[11.]]])

    Lecture idea: pooling shrinks each channel, so that later layers see a larger part of the
    image, and makes the output tolerate small shifts of the input; it has no parameters.
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    windows = _windows(x, (size, size), stride)  # (k, H_out, W_out, size, size)
    return windows.max(axis=(-2, -1))  # the largest entry of each window
    # END SOLUTION


# Part 5: a small CNN trained end to end with numpy
#
# Parts 1-4 built convolution and pooling one image at a time. Here the same
# ideas become *layers*: each layer has a forward function (compute the output
# from the input) and a backward function (given dL/d(output), return
# dL/d(input) and dL/d(parameters)), exactly like micrograd's operations, but
# on whole arrays. Chaining them gives the network
#
#     x (N, 1, 8, 8)
#       -> conv 3x3, 8 filters, padding 1  -> (N, 8, 8, 8)
#       -> ReLU                            -> (N, 8, 8, 8)
#       -> max pool 2x2                    -> (N, 8, 4, 4)
#       -> flatten                         -> (N, 128), pooled.reshape(N, 128):
#                                             feature c*16 + i*4 + j is pooled[n, c, i, j]
#       -> linear                          -> (N, 10) logits
#       -> softmax cross-entropy           -> scalar loss
#
# and its gradient is the backward functions called in reverse order.
# All arrays are batch-first, NCHW (N images, C channels, H rows, W columns),
# as in PyTorch. Unlike Parts 1-4, the functions of Part 5 take numpy float64
# arrays (labels: numpy integer arrays) and do not convert lists. No function
# modifies its arguments: each returns new arrays.


# BEGIN SOLUTION
def _on_grid(start, stride, count):
    """Where entry `start` of `count` windows placed `stride` apart falls along an axis: the slice
    start, start + stride, ..., start + (count - 1) * stride."""
    return slice(start, start + stride * (count - 1) + 1, stride)


def _window_entries(x, shape, stride):
    """Every (fh, fw) window of x (N, C, H, W), stepping by `stride`, entry by entry: a new array of
    shape (fh, fw, N, C, H', W') with

        entries[u, v, n, c, i, j] = x[n, c, i*stride + u, j*stride + v]

    (entry (u, v) of window (i, j)), where H' = (H - fh) // stride + 1 and W' = (W - fw) // stride + 1.
    Entry (u, v) of all the windows at once is one strided slice of x, so a loop over the fh*fw
    entries fills the array; a max or a matrix product over the entries then runs on whole planes.
    """
    fh, fw = shape
    N, C, H, W = x.shape
    Ho, Wo = (H - fh) // stride + 1, (W - fw) // stride + 1
    entries = np.empty((fh, fw, N, C, Ho, Wo))
    for u in range(fh):
        for v in range(fw):
            entries[u, v] = x[:, :, _on_grid(u, stride, Ho), _on_grid(v, stride, Wo)]
    return entries


def _add_entries_back(dentries, shape, stride):
    """The backward of _window_entries: a new array of zeros of `shape` (N, C, H, W) to which every
    dentries[u, v, n, c, i, j] is added at the pixel it was read from, [n, c, i*stride + u,
    j*stride + v]. A pixel in several windows (stride < window) receives the sum of their entries.
    """
    fh, fw, _, _, Ho, Wo = dentries.shape
    dx = np.zeros(shape)
    for u in range(fh):
        for v in range(fw):
            dx[:, :, _on_grid(u, stride, Ho), _on_grid(v, stride, Wo)] += dentries[u, v]
    return dx
# END SOLUTION


# ---------------------------------------------------------------------------
# ReLU
# ---------------------------------------------------------------------------


def relu_forward(x):
    """ReLU non-linearity, applied elementwise: max(0, x).

    Inputs:
    - x: array of any shape

    Returns:
    - out: a new array of the same shape as x

    Example: one row of three features, negative, zero and positive.

    >>> relu_forward(np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 2.]])

    Lecture idea: the non-linearity between layers; without it a stack of convolutions and linear
    layers would still be one linear map.
    """
    # BEGIN SOLUTION
    return np.maximum(x, 0.0)
    # END SOLUTION


def relu_backward(dout, x):
    """Backward pass of ReLU.

    Inputs:
    - dout: upstream gradient dL/d(out), same shape as x
    - x: the input that was given to relu_forward

    Returns:
    - dx: dL/dx, same shape as x. The gradient passes where x > 0 and is blocked where x <= 0
      (we use 0 as the derivative at exactly 0).

    Example: only the positive entry lets its gradient through.

    >>> relu_backward(np.array([[5.0, 5.0, 5.0]]), np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 5.]])

    Lecture idea: the local derivative of max(0, x) is 1 or 0, so ReLU acts as a gate on the
    gradient.
    """
    # BEGIN SOLUTION
    return dout * (x > 0)
    # END SOLUTION


# ---------------------------------------------------------------------------
# Convolution layer
# ---------------------------------------------------------------------------


def conv_forward(x, w, b, stride=1, padding=0):
    """Convolution layer (cross-correlation, as in every deep learning library) on a batch.

    For each image n, what conv2d_multichannel computes, with xp the zero-padded input:

        out[n, f, i, j] = b[f] + sum over c, u, v of w[f, c, u, v] * xp[n, c, i*stride + u, j*stride + v]

    (n: image, f: filter, c: input channel, (i, j): output position, (u, v): entry of the filter).

    Inputs:
    - x: input images, shape (N, C, H, W)
    - w: filters, shape (K, C, fh, fw): K filters, each spanning all C channels
    - b: biases, shape (K,), one per filter
    - stride: step between neighbouring windows, in both directions
    - padding: number of rows/columns of zeros added on each side of x

    Returns:
    - out: shape (N, K, H_out, W_out), where H_out = (H + 2*padding - fh) // stride + 1 and
      W_out = (W + 2*padding - fw) // stride + 1

    Example: one 3 x 3 image holding 0, ..., 8 and one 2 x 2 filter of ones with bias 1: each
    output is the sum of a 2 x 2 patch, plus 1 (the first: 0 + 1 + 3 + 4 + 1 = 9).

    >>> conv_forward(np.arange(9.0).reshape(1, 1, 3, 3), np.ones((1, 1, 2, 2)), np.array([1.0]))
    array([[[[ 9., 13.],
             [21., 25.]]]])

    Lecture idea: local connectivity and weight sharing. Every output pixel is a dot product of
    the same filter with a small window of the input.
    """
    # BEGIN SOLUTION
    _, _, fh, fw = w.shape
    entries = _window_entries(_pad(x, padding), (fh, fw), stride)  # (fh, fw, N, C, H_out, W_out): axes u, v, n, c, i, j
    # out[n, f, i, j] = b[f] + sum over c, u, v of w[f, c, u, v] * entries[u, v, n, c, i, j]: one matrix
    # product (the "im2col" trick), summing w's axes (c, u, v) = (1, 2, 3) against the entries' (3, 0, 1).
    out = np.tensordot(w, entries, axes=([1, 2, 3], [3, 0, 1]))  # (K, N, H_out, W_out): axes f, n, i, j
    return out.transpose(1, 0, 2, 3) + b[None, :, None, None]
    # END SOLUTION


def conv_backward(dout, x, w, b, stride=1, padding=0):
    """Backward pass of conv_forward.

    Inputs:
    - dout: upstream gradient dL/d(out), shape (N, K, H_out, W_out)
    - x, w, b, stride, padding: the arguments given to conv_forward

    Returns:
    - dx: dL/dx, shape (N, C, H, W)
    - dw: dL/dw, shape (K, C, fh, fw)
    - db: dL/db, shape (K,)

    Example: the layer of the conv_forward example, with an upstream gradient of ones. dx counts
    the windows each pixel is in (the centre is in all four), dw[0, 0, u, v] sums the pixels the
    filter entry (u, v) met, and db counts the outputs.

    >>> dx, dw, db = conv_backward(np.ones((1, 1, 2, 2)), np.arange(9.0).reshape(1, 1, 3, 3),
    ...                            np.ones((1, 1, 2, 2)), np.array([1.0]))
    >>> dx
    array([[[[1., 2., 1.],
             [2., 4., 2.],
             [1., 2., 1.]]]])
    >>> dw
    array([[[[ 8., 12.],
             [20., 24.]]]])
    >>> db
    array([4.])

    Lecture idea: weight sharing in reverse. A shared weight collects gradient from every
    position where it was used (sum over n, i, j), and an input pixel collects gradient from
    every window that contained it.
    """
    # BEGIN SOLUTION
    _, _, fh, fw = w.shape
    x_pad = _pad(x, padding)
    entries = _window_entries(x_pad, (fh, fw), stride)  # (fh, fw, N, C, Ho, Wo): axes u, v, n, c, i, j

    # out = b + sum(w * window): the bias gets every output gradient of its filter, and w[f, c, u, v]
    # gets dout times the input pixel it multiplied, summed over images and positions (n, i, j).
    db = dout.sum(axis=(0, 2, 3))
    dw = np.tensordot(dout, entries, axes=([0, 2, 3], [2, 4, 5]))  # (K, fh, fw, C): sum over n, i, j
    dw = dw.transpose(0, 3, 1, 2)  # (K, C, fh, fw), as w

    # Gradient with respect to every entry of every window, summed over the filters f:
    # dentries[u, v, n, c, i, j] = sum over f of w[f, c, u, v] * dout[n, f, i, j].
    dentries = np.tensordot(w, dout, axes=([0], [1])).transpose(1, 2, 3, 0, 4, 5)  # (fh, fw, N, C, Ho, Wo)
    # Entry (u, v) of window (i, j) is the padded pixel (i*stride + u, j*stride + v): send each entry
    # back to its pixel; a pixel shared by several windows adds up their contributions.
    dx_pad = _add_entries_back(dentries, x_pad.shape, stride)
    H, W = x.shape[2:]
    dx = dx_pad[:, :, padding:padding + H, padding:padding + W].copy()
    return dx, dw, db
    # END SOLUTION


# ---------------------------------------------------------------------------
# Max pooling layer
# ---------------------------------------------------------------------------


def max_pool_forward(x, size, stride=None):
    """Max pooling over size x size windows, channel by channel, on a batch.

    For each image, what max_pool2d computes.

    Inputs:
    - x: shape (N, C, H, W)
    - size: side of the square pooling window
    - stride: step between windows; None (the default) for stride = size (non-overlapping)

    Returns:
    - out: shape (N, C, H_out, W_out), where H_out = (H - size) // stride + 1 and
      W_out = (W - size) // stride + 1 (windows that do not fit are dropped)

    Example: 2 x 2 windows on one 4 x 4 image holding 0, ..., 15.

    >>> max_pool_forward(np.arange(16.0).reshape(1, 1, 4, 4), 2)
    array([[[[ 5.,  7.],
             [13., 15.]]]])

    Lecture idea: pooling shrinks the feature maps and makes the network tolerant to small
    shifts; it has no parameters.
    """
    # BEGIN SOLUTION
    if stride is None:
        stride = size
    entries = _window_entries(x, (size, size), stride)  # (size, size, N, C, H_out, W_out)
    return entries.max(axis=(0, 1))  # the largest entry of each window
    # END SOLUTION


def max_pool_backward(dout, x, size, stride=None):
    """Backward pass of max_pool_forward.

    Inputs:
    - dout: upstream gradient, shape (N, C, H_out, W_out)
    - x, size, stride: the arguments given to max_pool_forward

    Returns:
    - dx: dL/dx, shape (N, C, H, W). Each window's gradient goes entirely to the position of its
      maximum (on ties: the first maximum in row-major order within the window); every other
      position gets 0 from that window. Where windows overlap (stride < size), a pixel that is
      the maximum of several windows receives the sum of their gradients.

    Example: the pooling of the max_pool_forward example, with an upstream gradient of ones: the
    maximum of each window (its lower-right pixel) gets the 1.

    >>> max_pool_backward(np.ones((1, 1, 2, 2)), np.arange(16.0).reshape(1, 1, 4, 4), 2)
    array([[[[0., 0., 0., 0.],
             [0., 1., 0., 1.],
             [0., 0., 0., 0.],
             [0., 1., 0., 1.]]]])

    Lecture idea: max routes the gradient to the winner, like a switch.
    """
    # BEGIN SOLUTION
    if stride is None:
        stride = size
    entries = _window_entries(x, (size, size), stride)  # (size, size, N, C, Ho, Wo)
    # Each window's gradient goes to its first maximum in row-major order and nothing to its other
    # entries. Visit the entries in that order: an entry equal to the maximum wins unless one before did.
    is_max = entries == entries.max(axis=(0, 1))
    wins = np.zeros(entries.shape, dtype=bool)
    decided = np.zeros(dout.shape, dtype=bool)  # the windows whose winner is already known
    for u in range(size):
        for v in range(size):
            wins[u, v] = is_max[u, v] & ~decided
            decided |= wins[u, v]
    # Every entry goes back to its pixel (a pixel that wins several overlapping windows collects them all).
    return _add_entries_back(np.where(wins, dout, 0.0), x.shape, stride)
    # END SOLUTION


# ---------------------------------------------------------------------------
# Linear (fully connected) layer
# ---------------------------------------------------------------------------


def linear_forward(x, w, b):
    """Linear (fully connected) layer: out = x @ w + b.

    Inputs:
    - x: shape (N, D), one row per example
    - w: shape (D, M)
    - b: shape (M,)

    Returns:
    - out: shape (N, M)

    Example: two features, three units; unit 2 has bias 10.

    >>> linear_forward(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]]),
    ...                np.array([0.0, 0.0, 10.0]))
    array([[ 1.,  2., 11.]])

    Lecture idea: the classifier on top of the learned features; every output is connected to
    every input.
    """
    # BEGIN SOLUTION
    return x @ w + b
    # END SOLUTION


def linear_backward(dout, x, w, b):
    """Backward pass of linear_forward.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - x, w, b: the arguments given to linear_forward

    Returns:
    - dx: shape (N, D), dout @ w.T
    - dw: shape (D, M), x.T @ dout
    - db: shape (M,), dout summed over the batch

    Example: the layer of the linear_forward example.

    >>> dx, dw, db = linear_backward(np.array([[1.0, 0.0, 2.0]]), np.array([[1.0, 2.0]]),
    ...                              np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]]), np.array([0.0, 0.0, 10.0]))
    >>> dx
    array([[-1.,  2.]])
    >>> dw
    array([[1., 0., 2.],
           [2., 0., 4.]])
    >>> db
    array([1., 0., 2.])

    Lecture idea: matrix calculus by shapes; the bias is shared by all examples, so its gradient
    is summed over the batch.
    """
    # BEGIN SOLUTION
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
    # END SOLUTION


# ---------------------------------------------------------------------------
# Loss
# ---------------------------------------------------------------------------


def softmax_cross_entropy(logits, y):
    """Softmax followed by cross-entropy, averaged over the batch.

    Compute it stably: with z = logits - (row maximum), log_softmax = z - log(sum(exp(z))) per
    row. Subtracting the row maximum changes nothing mathematically but keeps exp from
    overflowing; taking the log before the exp can underflow avoids log(0) = -inf.

    Inputs:
    - logits: shape (N, K), unnormalised class scores
    - y: integer labels, shape (N,), values in 0..K-1

    Returns:
    - loss: a float, the mean over the batch of -log_softmax(logits[n])[y[n]]
    - dlogits: dL/dlogits, shape (N, K): (softmax(logits) - one_hot(y)) / N

    Example: example 0 is sure of its right class (logit 1000, which would overflow exp without
    the shift) and costs 0; example 1 hesitates between two classes and costs log(2). The loss
    is their mean, log(2) / 2.

    >>> softmax_cross_entropy(np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([0, 1]))
    (0.34657359027997264, array([[ 0.  ,  0.  ],
           [ 0.25, -0.25]]))

    Lecture idea: the classification loss, and the log-sum-exp trick that computes it without
    overflow.
    """
    # BEGIN SOLUTION
    N = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)  # largest entry is 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(N), y] -= 1.0
    return float(loss), dlogits / N
    # END SOLUTION


# ---------------------------------------------------------------------------
# The network: parameters, loss and gradients, training
# ---------------------------------------------------------------------------


def init_params(seed=0):
    """Random initial parameters of the network described at the top of Part 5.

    Weights are drawn from a normal distribution with standard deviation sqrt(2 / fan_in)
    (He/Kaiming initialisation, suited to ReLU), where fan_in is the number of inputs of one
    output unit (1*3*3 for the convolution, 128 for the linear layer); biases start at zero.

    Inputs:
    - seed: seed for numpy.random.default_rng

    Returns:
    - params: a dict of float64 arrays, "conv_w": (8, 1, 3, 3), "conv_b": (8,),
      "fc_w": (8 * 4 * 4, 10), "fc_b": (10,)

    Example (the values are random: the shapes are the point):

    >>> {name: value.shape for name, value in init_params(seed=0).items()}
    {'conv_w': (8, 1, 3, 3), 'conv_b': (8,), 'fc_w': (128, 10), 'fc_b': (10,)}

    Lecture idea: initialisation keeps the scale of activations roughly constant from layer to
    layer, so training can start.
    """
    # BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    conv_fan_in = 1 * 3 * 3
    fc_fan_in = 8 * 4 * 4
    return {
        "conv_w": rng.normal(0.0, np.sqrt(2.0 / conv_fan_in), size=(8, 1, 3, 3)),
        "conv_b": np.zeros(8),
        "fc_w": rng.normal(0.0, np.sqrt(2.0 / fc_fan_in), size=(fc_fan_in, 10)),
        "fc_b": np.zeros(10),
    }
    # END SOLUTION


def loss_and_grads(params, x, y):
    """Loss of the network on a batch, and its gradient for every parameter.

    Inputs:
    - params: a dict as returned by init_params
    - x: images, shape (N, 1, 8, 8)
    - y: integer labels, shape (N,)

    Returns:
    - loss: a float, the mean softmax cross-entropy over the batch
    - grads: a dict with the same keys and shapes as params, grads[key] = dL/dparams[key]

    Example: with all weights zero every class gets the same logit, so the loss is log(10),
    whatever the images.

    >>> params = {name: np.zeros_like(value) for name, value in init_params().items()}
    >>> loss, grads = loss_and_grads(params, np.ones((2, 1, 8, 8)), np.array([3, 7]))
    >>> round(loss, 6), round(float(np.log(10)), 6)
    (2.302585, 2.302585)
    >>> {name: value.shape for name, value in grads.items()}
    {'conv_w': (8, 1, 3, 3), 'conv_b': (8,), 'fc_w': (128, 10), 'fc_b': (10,)}

    Lecture idea: backpropagation. Run the layers forward keeping their inputs, then call their
    backward functions in reverse order, each one turning the gradient of its output into the
    gradient of its input.
    """
    # BEGIN SOLUTION
    # Forward, keeping every layer's input for the backward pass.
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    relu = relu_forward(conv)
    pool = max_pool_forward(relu, 2)
    flat = pool.reshape(pool.shape[0], -1)
    logits = linear_forward(flat, params["fc_w"], params["fc_b"])
    loss, dlogits = softmax_cross_entropy(logits, y)

    # Backward, in reverse order.
    dflat, dfc_w, dfc_b = linear_backward(dlogits, flat, params["fc_w"], params["fc_b"])
    dpool = dflat.reshape(pool.shape)
    drelu = max_pool_backward(dpool, relu, 2)
    dconv = relu_backward(drelu, conv)
    _, dconv_w, dconv_b = conv_backward(
        dconv, x, params["conv_w"], params["conv_b"], stride=1, padding=1
    )
    grads = {"conv_w": dconv_w, "conv_b": dconv_b, "fc_w": dfc_w, "fc_b": dfc_b}
    return loss, grads
    # END SOLUTION


def sgd_step(params, grads, lr):
    """One step of (mini-batch) stochastic gradient descent.

    Inputs:
    - params: a dict of arrays
    - grads: a dict with the same keys and shapes
    - lr: learning rate (step size)

    Returns:
    - new_params: a new dict of new arrays, params[key] - lr * grads[key]; params and grads are
      left unchanged

    Example: a step of 0.1 against the gradient [10, -10].

    >>> sgd_step({"w": np.array([1.0, 2.0])}, {"w": np.array([10.0, -10.0])}, 0.1)
    {'w': array([0., 3.])}

    Lecture idea: gradient descent, a small step against the gradient.
    """
    # BEGIN SOLUTION
    return {k: params[k] - lr * grads[k] for k in params}
    # END SOLUTION


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    """Train the network with mini-batch SGD.

    Inputs:
    - x_train: images, shape (N, 1, 8, 8)
    - y_train: integer labels, shape (N,)
    - epochs: number of passes over the training set
    - lr: learning rate
    - batch_size: examples per SGD step (the last batch of an epoch may be smaller)
    - seed: seeds both init_params(seed) and the shuffling generator
      rng = numpy.random.default_rng(seed); each epoch visits the examples in the order
      rng.permutation(N)

    Returns:
    - params: the trained parameters (a dict as from init_params)
    - history: a list of `epochs` floats, the mean training loss of each epoch (the mean over all
      N examples of the loss seen by the batch that contained them, i.e. batch losses weighted by
      batch size)

    Example: two epochs on four blank images give two losses, one per epoch.

    >>> params, history = train(np.zeros((4, 1, 8, 8)), np.array([0, 1, 2, 3]), epochs=2, batch_size=3)
    >>> len(history), sorted(params)
    (2, ['conv_b', 'conv_w', 'fc_b', 'fc_w'])

    Lecture idea: the training loop: shuffle, cut into mini-batches, compute the gradient on each
    batch, step, repeat.
    """
    # BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    params = init_params(seed)
    n = x_train.shape[0]
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, x_train[batch], y_train[batch])
            params = sgd_step(params, grads, lr)
            total += loss * len(batch)
        history.append(total / n)
    return params, history
    # END SOLUTION


def predict(params, x):
    """Predicted class of each image.

    Inputs:
    - params: a dict as returned by init_params or train
    - x: images, shape (N, 1, 8, 8)

    Returns:
    - labels: an int array of shape (N,), the index of the largest logit of each image

    Example: a network whose only non-zero parameter is the bias of class 3 says 3 for every
    image.

    >>> params = {name: np.zeros_like(value) for name, value in init_params().items()}
    >>> params["fc_b"][3] = 1.0
    >>> predict(params, np.ones((2, 1, 8, 8)))
    array([3, 3])

    Lecture idea: at test time we only need the forward pass.
    """
    # BEGIN SOLUTION
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    pool = max_pool_forward(relu_forward(conv), 2)
    logits = linear_forward(pool.reshape(pool.shape[0], -1), params["fc_w"], params["fc_b"])
    return logits.argmax(axis=1)
    # END SOLUTION


# Part 6: how big is a network, and how much of the image does one unit see?
#
# No arrays here, only counting: the number of parameters of a layer or of a
# whole stack (why images need convolutions: a fully connected layer's count
# grows with the image, a convolutional layer's does not), the shape of the
# output of every layer, and the receptive field of a stack of convolutions
# and poolings (why the typical architecture alternates them).
#
# A stack is a list of layer descriptions, applied in order. Each layer is a
# dict with exactly these keys (all ints >= 1 except padding >= 0):
#
#     {"type": "conv", "filters": k, "size": f, "stride": s, "padding": p}
#         k filters of size f x f, each spanning all input channels, with one
#         bias each; turns (d, H, W) into (k, H', W')
#     {"type": "pool", "size": f, "stride": s, "padding": p}
#         max pooling over f x f windows; no parameters; (d, H, W) -> (d, H', W')
#     {"type": "relu"}
#         no parameters, shape unchanged
#     {"type": "fc", "units": m}
#         flattens its input (all its entries, whatever its shape) and
#         connects them to m units, with one bias each; -> (m,)
#
# Conv and pool layers use the output-size formula of parts 1-4 on each
# spatial axis: H' = (H + 2p - f) // s + 1 and W' = (W + 2p - f) // s + 1.
# The part-5 network, on (1, 8, 8) inputs, is the stack
#
#     [{"type": "conv", "filters": 8, "size": 3, "stride": 1, "padding": 1},
#      {"type": "relu"},
#      {"type": "pool", "size": 2, "stride": 2, "padding": 0},
#      {"type": "fc", "units": 10}]
#
# Every function of part 6 returns plain Python ints (or tuples and lists of
# them) and never modifies its arguments.


def fc_params(n_in, n_out):
    """Number of parameters of a fully connected layer from n_in inputs to n_out outputs.

    Every output unit has one weight per input and one bias: the weight matrix is (n_in, n_out)
    and the bias vector (n_out,), as in linear_forward.

    Inputs:
    - n_in: number of inputs, an int >= 1 (for an image: all its pixels, H * W * channels)
    - n_out: number of outputs (units), an int >= 1

    Returns:
    - count: an int

    Example: a 2 x 2 grayscale image (4 inputs) fully connected to 3 units has 4 * 3 = 12 weights
    and 3 biases; the lecture's 426 x 426 image fully connected to 16 units has almost 3 million.

    >>> fc_params(4, 3)
    15
    >>> fc_params(426 * 426, 16)
    2903632

    Lecture idea: why images need convolutions. A fully connected layer's count grows with the
    image.
    """
    # BEGIN SOLUTION
    return n_in * n_out + n_out
    # END SOLUTION


def conv_params(k, d, f):
    """Number of parameters of a convolutional layer: k filters of size f x f on d channels.

    Each filter spans all d input channels, so it is an array of shape (d, f, f), and it has one
    bias: the filter bank is (k, d, f, f) and the biases (k,), as in conv2d_multichannel.

    Inputs:
    - k: number of filters (output channels), an int >= 1
    - d: number of input channels, an int >= 1
    - f: side of each filter, an int >= 1

    Returns:
    - count: an int

    Example: the convolution of part 5, 8 filters of size 3 x 3 on 1 channel, has 8 * 1 * 3 * 3 = 72
    weights and 8 biases; 16 such filters have 160 parameters, on a digit as on the lecture's
    426 x 426 image.

    >>> conv_params(8, 1, 3)
    80
    >>> conv_params(16, 1, 3)
    160

    Lecture idea: weight sharing. The same filters are used at every position, so the count
    depends neither on the height nor on the width of the image.
    """
    # BEGIN SOLUTION
    return k * d * f * f + k
    # END SOLUTION


def output_shapes(input_shape, layers):
    """The shape of the output of every layer of a stack.

    A conv layer gives (k, H', W'), a pool layer (d, H', W'), a relu layer its input's shape, an
    fc layer (m,), where H' = (H + 2p - f) // s + 1 and W' = (W + 2p - f) // s + 1.

    Inputs:
    - input_shape: (d, H, W), the shape of one input (channels, height, width), ints >= 1
    - layers: a list of layer descriptions (see the top of part 6), which fit: every conv or pool
      layer has size f <= H + 2p and f <= W + 2p for the H, W it receives; conv and pool layers
      only come before the first fc layer (an fc layer may follow another fc layer)

    Returns:
    - shapes: a list with one tuple of ints per layer, in order (an empty list for no layers)

    Example: the part-5 network on one 8 x 8 digit.

    >>> part5 = [{"type": "conv", "filters": 8, "size": 3, "stride": 1, "padding": 1},
    ...          {"type": "relu"},
    ...          {"type": "pool", "size": 2, "stride": 2, "padding": 0},
    ...          {"type": "fc", "units": 10}]
    >>> output_shapes((1, 8, 8), part5)
    [(8, 8, 8), (8, 8, 8), (8, 4, 4), (10,)]

    Lecture idea: the output-size formula, layer after layer: how a typical architecture shrinks
    the image while it adds channels.
    """
    # BEGIN SOLUTION
    shapes = []
    shape = tuple(input_shape)
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            f, s, p = layer["size"], layer["stride"], layer["padding"]
            # The output-size formula of parts 1-4, on each spatial axis.
            height, width = ((n + 2 * p - f) // s + 1 for n in shape[1:])
            channels = layer["filters"] if layer["type"] == "conv" else shape[0]
            shape = (channels, height, width)
        elif layer["type"] == "fc":
            shape = (layer["units"],)
        shapes.append(shape)  # a relu layer keeps its input's shape
    return shapes
    # END SOLUTION


def stack_params(input_shape, layers):
    """Number of parameters of a whole stack of layers (weights and biases of every layer).

    A conv layer has conv_params(k, d, f) parameters, where d is the number of channels it
    receives; an fc layer has fc_params(n_in, m), where n_in is the number of entries of what it
    receives (d * H * W after conv and pool layers, the previous layer's units after an fc layer);
    pool and relu layers have none.

    Inputs:
    - input_shape: (d, H, W), the shape of one input
    - layers: a list of layer descriptions that fit, as for output_shapes

    Returns:
    - count: an int (0 for no layers)

    Example: the part-5 network has 80 parameters in its convolution (conv_w, conv_b) and
    8 * 4 * 4 * 10 + 10 = 1290 in its fc layer (fc_w, fc_b); a 2-layer fully connected network
    (16 hidden units) on the lecture's 426 x 426 image has about 3 million.

    >>> part5 = [{"type": "conv", "filters": 8, "size": 3, "stride": 1, "padding": 1},
    ...          {"type": "relu"},
    ...          {"type": "pool", "size": 2, "stride": 2, "padding": 0},
    ...          {"type": "fc", "units": 10}]
    >>> stack_params((1, 8, 8), part5)
    1370
    >>> stack_params((1, 426, 426), [{"type": "fc", "units": 16}, {"type": "relu"}, {"type": "fc", "units": 10}])
    2903802

    Lecture idea: why images need convolutions, for a whole network: a stack of conv, pool and
    relu layers has the same count on any image it fits; only the fc layers grow with it.
    """
    # BEGIN SOLUTION
    count = 0
    inputs = [tuple(input_shape)] + output_shapes(input_shape, layers)[:-1]  # what each layer receives
    for layer, shape in zip(layers, inputs):
        if layer["type"] == "conv":
            count += conv_params(layer["filters"], shape[0], layer["size"])
        elif layer["type"] == "fc":
            count += fc_params(int(np.prod(shape)), layer["units"])
    return count
    # END SOLUTION


def receptive_field(layers):
    """Side of the window of the input that one output unit of a stack of layers sees.

    One output unit of a conv or pool layer of size f sees f x f units of the layer below; each
    of those sees a window of the layer below it, and so on down to the input. The receptive
    field is the side of the square of input pixels spanned by all that a unit of the LAST layer
    depends on: from the first such pixel to the last one, both included, along one axis.

    Stride makes the window grow faster: after layers with strides s_1, ..., s_{l-1},
    neighbouring units of layer l-1 are s_1 * ... * s_{l-1} input pixels apart, so a layer l of
    size f_l adds (f_l - 1) * s_1 * ... * s_{l-1} pixels to the window:

        r = 1 + sum over layers l of (f_l - 1) * (s_1 * ... * s_{l-1})

    Padding moves windows but does not change their size, and is ignored; relu layers add
    nothing. When a stride is larger than the size, some pixels inside the window are skipped
    (never seen): they are still counted, as the window runs from the first pixel to the last.

    Inputs:
    - layers: a list of conv, pool and relu layer descriptions (no fc layer: one fc unit sees
      the whole input)

    Returns:
    - side: an int >= 1 (1 for no layers: a pixel sees itself)

    Example: a 3 x 3 convolution with stride 1 sees 3 x 3 pixels, two of them 5 x 5; a 2 x 2
    pooling with stride 2 in between spreads the second convolution's window over 6 x 6 pixels,
    and the whole stack sees 8 x 8: 1 + (3 - 1) * 1 + (2 - 1) * 1 + (3 - 1) * 2 = 8. The part-5
    network without its fc layer sees 1 + 2 + 1 = 4.

    >>> conv = {"type": "conv", "filters": 4, "size": 3, "stride": 1, "padding": 1}
    >>> pool = {"type": "pool", "size": 2, "stride": 2, "padding": 0}
    >>> receptive_field([])
    1
    >>> receptive_field([conv])
    3
    >>> receptive_field([conv, conv])
    5
    >>> receptive_field([conv, pool, conv])
    8
    >>> receptive_field([{"type": "conv", "filters": 8, "size": 3, "stride": 1, "padding": 1},
    ...                  {"type": "relu"},
    ...                  {"type": "pool", "size": 2, "stride": 2, "padding": 0}])
    4

    Lecture idea: the larger window. Alternating convolutions and pooling makes the later
    filters see a large part of the image with few parameters.
    """
    # BEGIN SOLUTION
    side, spacing = 1, 1  # window side, and the distance in pixels between neighbouring units
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            side += (layer["size"] - 1) * spacing
            spacing *= layer["stride"]
    return side
    # END SOLUTION
