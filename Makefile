# One entry point for students, instructors and CI. The first target that needs Python creates
# .venv at the repository root and installs the pinned dependencies (pyproject.toml) into it.
# ASSIGNMENT=NAME chooses the assignment; without it, the command line takes the only one in
# assignments/ (or the one pyproject.toml names), and SUBMISSION and OUT default to its own.
PYTHON ?= python3
VENV := .venv
RUN := $(VENV)/bin/python -m autograder
FOR := $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))

.PHONY: help demo check skeleton zips lock grade grade-all replay new audit bench plot test lint clean

help:
	@echo "make demo       build the zips, grade the reference and the skeleton as Gradescope would"
	@echo "make test       the project's own test suite (what CI runs)"
	@echo "make check      public checks on SUBMISSION (default: the skeleton)"
	@echo "make grade      grade SUBMISSION=cnn.py, a folder or a zip as Gradescope does, with the built zip"
	@echo "make zips       dist/NAME/autograder.zip and dist/NAME/student.zip"
	@echo "make lock       pin the grading image's every package (autograder/gradescope/grading-image.lock)"
	@echo "make skeleton   regenerate the skeleton from solutions/NAME/NAME.py"
	@echo "make grade-all  grade SUBMISSIONS=folder-or-export.zip into OUT=file.csv, with a summary and feedback pages"
	@echo "make replay     reproduce the failures of FUNCTION on SUBMISSION, with Python snippets"
	@echo "make new        scaffold a new assignment NAME=..."
	@echo "make audit      grade the corpus of buggy and correct submissions"
	@echo "make bench      time otter run on the reference and the plain-loop solution, then the assignment's benchmarks"
	@echo "make plot       the handout's figures (installs matplotlib on first use)"
	@echo "make lint       ruff"

# Students' tools need only numpy, hypothesis and pytest; instructors' add Otter, scipy and ruff.
# uv (pinned in pyproject.toml's `grading` extra, installed by pip) installs them in seconds, where
# pip takes minutes; compiled to bytecode, as pip does.
UV_PIN := $(shell sed -n 's/.*"\(uv==[0-9.]*\)".*/\1/p' pyproject.toml)
INSTALL := $(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --compile-bytecode

$(VENV)/core.stamp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "$(UV_PIN)"
	$(INSTALL) -e .
	touch $@

$(VENV)/full.stamp: $(VENV)/core.stamp
	$(INSTALL) -e ".[grading,dev,class]"
	touch $@

demo: $(VENV)/full.stamp
	$(RUN) demo $(FOR)

check: $(VENV)/core.stamp
	$(RUN) check $(FOR) $(SUBMISSION)

skeleton: $(VENV)/core.stamp
	$(RUN) skeleton $(FOR)

# Rebuilt only when a file they are made from is newer.
zips: $(VENV)/full.stamp
	$(RUN) zips $(FOR)

# The grading image's every package at an exact version (commit the lock it writes).
lock: $(VENV)/full.stamp
	$(RUN) lock

grade: zips
	$(RUN) grade $(FOR) "$(SUBMISSION)"

# PyYAML (Gradescope's metadata) and matplotlib (the histogram): the `class` extra, installed on first use.
grade-all: $(VENV)/core.stamp
	$(VENV)/bin/python -c "import yaml, matplotlib" 2>/dev/null || $(INSTALL) -e ".[class]"
	$(RUN) grade-all $(FOR) $(if $(OUT),--output "$(OUT)") $(if $(FUNCTIONS),--functions "$(FUNCTIONS)") \
		$(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(DUE),--due "$(DUE)") \
		$(if $(LATE_PENALTY),--late-penalty "$(LATE_PENALTY)") $(if $(REGRADE),--regrade "$(REGRADE)") \
		$(if $(EXTENSIONS),--extensions "$(EXTENSIONS)") $(if $(METADATA),--metadata "$(METADATA)") "$(SUBMISSIONS)"

replay: $(VENV)/core.stamp
	$(RUN) replay $(FOR) --function "$(FUNCTION)" $(if $(SUBMISSION),"$(SUBMISSION)")

new: $(VENV)/core.stamp
	$(RUN) new "$(NAME)"

audit: $(VENV)/core.stamp
	$(RUN) audit $(FOR)

# PyTorch (the `torch` extra, a CPU build) is installed on first use, to time the same network beside the reference
# (by pip, which finds the CPU build; uv would take the default, several GB).
bench: zips
	$(VENV)/bin/python -c "import torch" 2>/dev/null || $(VENV)/bin/pip install --quiet -e ".[torch]"
	$(RUN) bench $(FOR)

# Figures for the handout (matplotlib is an optional extra, installed on first use).
plot: $(VENV)/core.stamp
	$(VENV)/bin/python -c "import matplotlib" 2>/dev/null || $(INSTALL) -e ".[plot]"
	$(RUN) plot $(FOR)

# Parallel test processes, one per core and one more, the longest tests first (tests/conftest.py).
test: $(VENV)/full.stamp
	$(VENV)/bin/python -m pytest -n auto

lint: $(VENV)/full.stamp
	$(VENV)/bin/ruff check .

clean:
	rm -rf dist build .pytest_cache
