"""conv_params: filters of one channel (forgets that each filter spans all d channels)
"""

def conv_params(k, d, f):
    return k * f * f + k
