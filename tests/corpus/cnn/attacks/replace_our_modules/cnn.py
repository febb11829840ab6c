"""attack: replace the grader's own modules: an autograder/ package beside cnn.py whose verdict() passes every check.

Otter 7 copies its support folders into the submission folder only where the upload has none of the
same name, and its kernel (root) imports from that folder. This upload's autograder/gradescope/session.py
would pass every check (full marks for a file that implements nothing) and leave a marker as root.
"""
