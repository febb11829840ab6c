"""init_params: shapes fc_w as (10, 128), PyTorch's nn.Linear (out_features, in_features) layout

The values are drawn correctly but fc_w has the wrong shape for
linear_forward (x @ w needs (D, M) = (128, 10)).
"""
import numpy as np


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "conv_w": rng.normal(0.0, np.sqrt(2.0 / 9), size=(8, 1, 3, 3)),
        "conv_b": np.zeros(8),
        "fc_w": rng.normal(0.0, np.sqrt(2.0 / 128), size=(10, 128)),
        "fc_b": np.zeros(10),
    }
