"""conv_params: counts the entries of a zero filter bank (k, d, f, f) and bias vector (k,)
"""
import numpy as np


def conv_params(k, d, f):
    filters = np.zeros((k, d, f, f))
    bias = np.zeros(k)
    return filters.size + bias.size
