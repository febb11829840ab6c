"""conv_params: forgets the biases (weights only)
"""

def conv_params(k, d, f):
    return k * d * f * f
