"""linear_backward: computes dw as dout.T @ x, the transpose of the weight gradient

Returns dw with shape (M, D) instead of (D, M): the wrong shape whenever
D != M, the wrong values (transposed) when D == M.
"""


def linear_backward(dout, x, w, b):
    dx = dout @ w.T
    dw = dout.T @ x
    db = dout.sum(axis=0)
    return dx, dw, db
