"""Part of the attack replace_our_modules: every check passes, whatever the submission does."""


def verdict(assignment_name, submission_path, check_key):
    return None
