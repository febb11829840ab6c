"""An autograded-assignment framework: sandboxed student code, Hypothesis checks, Otter packaging."""
