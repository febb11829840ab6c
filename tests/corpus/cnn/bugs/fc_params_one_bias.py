"""fc_params: a single bias for the whole layer
"""

def fc_params(n_in, n_out):
    return n_in * n_out + 1
