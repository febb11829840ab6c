"""attack: startup files: sitecustomize.py, usercustomize.py, a .pth file, conftest.py and __init__.py beside cnn.py.

Python runs sitecustomize/usercustomize and the lines of .pth files at start-up when their folder is on
the path; pytest runs conftest.py; a package's __init__.py runs on import. Each would leave a marker as
root. This file itself implements nothing.
"""
