"""softmax_cross_entropy: sums the loss and its gradient over the batch instead of averaging them

Loss and dlogits are consistent with each other (a summed loss), but both
are N times the required mean: right only for N == 1.
"""
import numpy as np


def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y]))
    dlogits = probs.copy()
    dlogits[np.arange(N), y] -= 1.0
    return float(loss), dlogits
