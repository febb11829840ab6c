"""attack: shadow libraries: hypothesis/, numpy/, otter/, IPython/ and ipykernel_launcher.py beside cnn.py.

The grading kernel starts (``python -m ipykernel_launcher``) with the submission folder as its working
directory, which Python puts first on sys.path: each of these would run as root, leave a marker and
stop the kernel. This file itself implements nothing.
"""
