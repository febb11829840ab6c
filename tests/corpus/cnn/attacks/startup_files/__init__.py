"""Part of the attack startup_files: runs as root if a grading process imports __init__ from the upload."""

import os

with open("/tmp/ATTACK-MARKER", "w") as marker:
    marker.write(f"the upload's __init__ ran as uid {os.getuid()}")
