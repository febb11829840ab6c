"""fc_params: counts the entries of zero arrays shaped like the weights and the biases
"""
import numpy as np


def fc_params(n_in, n_out):
    weights = np.zeros((n_in, n_out))
    biases = np.zeros(n_out)
    return weights.size + biases.size
