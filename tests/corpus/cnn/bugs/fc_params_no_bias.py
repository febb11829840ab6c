"""fc_params: forgets the biases (weights only)
"""

def fc_params(n_in, n_out):
    return n_in * n_out
