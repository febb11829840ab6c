"""Part of the attack shadow_libraries: runs as root if a grading process imports otter from the upload."""

import os

with open("/tmp/ATTACK-MARKER", "w") as marker:
    marker.write(f"the upload's otter ran as uid {os.getuid()}")
raise SystemExit("shadowed otter")
