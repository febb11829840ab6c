"""conv_params: an f x f filter counted as f weights per channel
"""

def conv_params(k, d, f):
    return k * d * f + k
