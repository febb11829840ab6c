"""Part of the attack shadow_libraries: `python -m ipykernel_launcher` in the upload's folder runs this."""

import os

with open("/tmp/ATTACK-MARKER", "w") as marker:
    marker.write(f"the upload's ipykernel_launcher ran as uid {os.getuid()}")
