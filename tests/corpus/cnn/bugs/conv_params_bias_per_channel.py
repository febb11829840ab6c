"""conv_params: one bias per filter and input channel
"""

def conv_params(k, d, f):
    return k * d * f * f + k * d
