"""receptive_field: brute force, follows the set of positions one top unit depends on down to the input
"""

def receptive_field(layers):
    positions = {0}  # positions, along one axis, of the units the top unit depends on
    for layer in reversed(layers):
        if layer["type"] == "relu":
            continue
        positions = {i * layer["stride"] + t for i in positions for t in range(layer["size"])}
    return max(positions) - min(positions) + 1
