"""conv1d_matrix: returns the transpose (stacks the images of the unit vectors as rows instead of columns)

Builds M column by column from conv1d(e_k) but forgets to transpose. Shape is
(n, n_out); it can only pass when M happens to be square and symmetric (e.g.
palindromic w with "same" padding and stride 1).
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    cols = [conv1d(e, w, stride, padding) for e in np.eye(n)]  # noqa: F821
    return np.array(cols, dtype=float)
