"""Part of the attack shadow_libraries: runs as root if a grading process imports hypothesis from the upload."""

import os

with open("/tmp/ATTACK-MARKER", "w") as marker:
    marker.write(f"the upload's hypothesis ran as uid {os.getuid()}")
raise SystemExit("shadowed hypothesis")
