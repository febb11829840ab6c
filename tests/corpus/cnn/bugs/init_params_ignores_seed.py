"""init_params: draws from an unseeded numpy.random.default_rng(), ignoring the seed argument

The distribution is right but the parameters change from call to call:
init_params(0) twice gives different arrays, and not those of
default_rng(0).
"""
import numpy as np


def init_params(seed=0):
    rng = np.random.default_rng()
    return {
        "conv_w": rng.normal(0.0, np.sqrt(2.0 / 9), size=(8, 1, 3, 3)),
        "conv_b": np.zeros(8),
        "fc_w": rng.normal(0.0, np.sqrt(2.0 / 128), size=(128, 10)),
        "fc_b": np.zeros(10),
    }
