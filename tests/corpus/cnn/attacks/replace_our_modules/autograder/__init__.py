"""Part of the attack replace_our_modules: runs as root if the grading kernel imports the upload's package."""

import os

with open("/tmp/ATTACK-MARKER", "w") as marker:
    marker.write(f"the upload's autograder package ran as uid {os.getuid()}")
