"""relu_forward: zeroes the negative entries of the caller's x in place and returns x itself

The values returned are right, but the argument is modified (any input with a
negative entry) and the output aliases the input.
"""


def relu_forward(x):
    x[x < 0] = 0.0
    return x
