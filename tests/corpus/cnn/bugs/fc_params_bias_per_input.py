"""fc_params: one bias per input instead of per output unit
"""

def fc_params(n_in, n_out):
    return n_in * n_out + n_in
