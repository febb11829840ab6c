"""Part of the attack startup_files: runs as root if a grading process imports sitecustomize from the upload."""

import os

with open("/tmp/ATTACK-MARKER", "w") as marker:
    marker.write(f"the upload's sitecustomize ran as uid {os.getuid()}")
