"""Part of the attack replace_our_modules: the package of the replaced session module."""
