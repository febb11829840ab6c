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

Conventions shared by every function:

* No kernel flip: ``out[i] = sum_t x[i * stride + t] * w[t]``, exactly as in the lecture.
* Zero padding adds ``padding`` zeros at both ends of every spatial axis before the filter
  slides; positions where the filter would stick out of the padded input are not computed.
* Output size along an axis of length n, filter extent m, stride s, padding p::

      n_out = floor((n + 2 * p - m) / s) + 1

* Inputs may be lists or arrays of any numeric dtype; they are read as float64 arrays.
* Every function returns a NEW float64 array and never modifies its arguments.
* Only numpy is needed (and allowed). No printing and no file I/O.
"""

import numpy as np


def conv1d(x, w, stride=1, padding=0):
    """1-D cross-correlation ("convolution" in deep learning) of a signal with a filter.

    The filter w slides along x; at each position the output is the dot product of w with the
    piece of x under it. The filter is NOT flipped. Formally, with xp the zero-padded input,

        out[i] = sum_{t=0}^{m-1} xp[i * stride + t] * w[t]

    Inputs:
    - x: signal, shape (n,)
    - w: filter, shape (m,), with 1 <= m <= n + 2 * padding
    - stride: distance between neighbouring filter positions, an int >= 1
    - padding: number of zeros added at EACH end of x before sliding, an int >= 0

    Output length: n_out = floor((n + 2 * padding - m) / stride) + 1

    Example (the lecture's edge detector, which marks where the signal goes up or down):

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

    Returns:
    - out: a new float64 array of shape (n_out,)
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if padding > 0:
        # Copy x into the middle of a longer array of zeros.
        padded = np.zeros(x.shape[0] + 2 * padding)
        padded[padding:padding + x.shape[0]] = x
        x = padded
    # Row i of `windows` is the piece of x under the filter at position i (a view, no copy);
    # keeping every stride-th row skips the positions the filter jumps over.
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[0])[::stride]
    # One dot product per filter position.
    return windows @ w
    # END SOLUTION


def conv1d_matrix(w, n, stride=1, padding=0):
    """The matrix M of the 1-D convolution with filter w: M @ x == conv1d(x, w, stride, padding).

    conv1d is linear in x, so it is a matrix product: a convolutional layer is a fully connected
    layer with a very special weight matrix. Row i of M holds the filter w, placed at the columns
    of the inputs that output i looks at (columns i * stride - padding, ..., i * stride - padding
    + m - 1), and zeros elsewhere:

    - local connectivity: each output depends on only m neighbouring inputs (M is banded);
    - weight sharing: every row holds the same m numbers w, shifted by stride.

    Padded zeros multiply entries of w by 0, so they need no columns: M has one column per REAL
    input, and the entries of w that would fall on padding are simply left out of the row.

    Inputs:
    - w: filter, shape (m,), with 1 <= m <= n + 2 * padding
    - n: length of the inputs x the matrix is applied to, an int >= 1
    - stride, padding: as in conv1d

    Output shape: (n_out, n), where n_out = floor((n + 2 * padding - m) / stride) + 1

    Example: filter [-1, 1] on inputs of length 4 gives 3 outputs:

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

    Returns:
    - M: a new float64 array of shape (n_out, n)
    """
    # BEGIN SOLUTION
    w = np.asarray(w, dtype=float)
    m = w.shape[0]
    n_out = (n + 2 * padding - m) // stride + 1
    # Build the matrix for the padded input first (one column per padded position), where
    # row i holds w in columns i * stride, ..., i * stride + m - 1; then drop the padding
    # columns, which only ever multiply zeros.
    rows = np.arange(n_out)[:, None]
    cols = rows * stride + np.arange(m)[None, :]
    padded = np.zeros((n_out, n + 2 * padding))
    padded[rows, cols] = w  # w is broadcast along the rows: weight sharing
    return padded[:, padding:padding + n].copy()
    # END SOLUTION


def conv2d(x, w, stride=1, padding=0):
    """2-D cross-correlation of an image with a filter (no kernel flip).

    The 2-D version of conv1d: the filter slides over the image left to right and top to bottom,
    and each output entry is the sum of the filter times the patch of the image under it:

        out[i, j] = sum_{a, b} xp[i * stride + a, j * stride + b] * w[a, b]

    where xp is x with `padding` rows of zeros added above and below and `padding` columns of
    zeros added left and right. The same stride is used along both axes.

    Inputs:
    - x: image, shape (H, W)
    - w: filter, shape (fh, fw), with 1 <= fh <= H + 2 * padding, 1 <= fw <= W + 2 * padding
    - stride: an int >= 1, used along both axes
    - padding: an int >= 0, used on all four sides

    Output shape: (H_out, W_out), where
      H_out = floor((H + 2 * padding - fh) / stride) + 1
      W_out = floor((W + 2 * padding - fw) / stride) + 1

    Example: this filter subtracts each pixel's lower-right neighbour from it.

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

    Returns:
    - out: a new float64 array of shape (H_out, W_out)
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if padding > 0:
        H, W = x.shape
        padded = np.zeros((H + 2 * padding, W + 2 * padding))
        padded[padding:padding + H, padding:padding + W] = x
        x = padded
    # windows[i, j] is the (fh, fw) patch under the filter at position (i, j): a view of shape
    # (H', W', fh, fw) before striding.
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)[::stride, ::stride]
    # Multiply each patch by the filter and sum over the two patch axes.
    return np.tensordot(windows, w, axes=2)
    # END SOLUTION


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    """A convolutional layer: a bank of k filters applied to a d-channel input.

    The input is a stack of d images of the same size (for example the red, green and blue
    channels of a photo, or the d outputs of the previous layer). Each filter has the same depth
    d as the input, so it looks at a patch of ALL channels at once and produces ONE output
    channel; k filters produce k output channels. Bias j is added to every entry of channel j:

        out[j, r, c] = bias[j] + sum_{ch, a, b} xp[ch, r * stride + a, c * stride + b]
                                                * filters[j, ch, a, b]

    where xp is x zero-padded by `padding` on all four sides of every channel. In other words,
    output channel j is the sum over input channels ch of conv2d(x[ch], filters[j, ch]), plus
    bias[j].

    Inputs:
    - x: input, shape (d, H, W)
    - filters: filter bank, shape (k, d, fh, fw), with 1 <= fh <= H + 2 * padding and
      1 <= fw <= W + 2 * padding
    - bias: shape (k,), or None for no bias
    - stride: an int >= 1, used along both spatial axes
    - padding: an int >= 0, used on all four sides of every channel

    Output shape: (k, H_out, W_out), where
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

    Returns:
    - out: a new float64 array of shape (k, H_out, W_out)
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    if padding > 0:
        d, H, W = x.shape
        padded = np.zeros((d, H + 2 * padding, W + 2 * padding))
        padded[:, padding:padding + H, padding:padding + W] = x
        x = padded
    # windows[ch, r, c] is the (fh, fw) patch of channel ch at position (r, c): a view of shape
    # (d, H', W', fh, fw), before striding. Each channel gets its own windows, as the channels
    # are stacked along the first axis, which the windows do not slide over.
    windows = np.lib.stride_tricks.sliding_window_view(x, filters.shape[2:], axis=(1, 2))
    windows = windows[:, ::stride, ::stride]
    # For every filter j and position (r, c): multiply and sum over channel, patch row and patch
    # column. tensordot turns this into one matrix product (the "im2col" trick).
    out = np.tensordot(filters, windows, axes=([1, 2, 3], [0, 3, 4]))
    if bias is not None:
        # One number per output channel, broadcast over that channel's H' x W' entries.
        out += np.asarray(bias, dtype=float)[:, None, None]
    return out
    # END SOLUTION


def max_pool2d(x, size, stride=None):
    """Max pooling: keep the largest value of each size x size window, channel by channel.

    Pooling shrinks each channel so that later layers see a larger part of the image, and makes
    the output tolerate small shifts of the input. The window slides by `stride` along both axes
    (by default stride = size: windows side by side, not overlapping). There is no padding, and
    windows that do not fit entirely inside the input are dropped. Channels do not mix:

        out[ch, i, j] = max_{a, b < size} x[ch, i * stride + a, j * stride + b]

    Inputs:
    - x: input, shape (k, H, W)
    - size: side of the square pooling window, an int with 1 <= size <= H and size <= W
    - stride: an int >= 1, or None (the default) to use stride = size

    Output shape: (k, H_out, W_out), where
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

    Returns:
    - out: a new float64 array of shape (k, H_out, W_out)
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    # windows[ch, i, j] is the size x size window of channel ch at position (i, j): a view of
    # shape (k, H', W', size, size). Windows that do not fit are never made.
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))
    windows = windows[:, ::stride, ::stride]
    # The largest value of each window.
    return windows.max(axis=(3, 4))
    # END SOLUTION
