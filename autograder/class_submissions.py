"""Find the submissions of a class: a folder, a zip of one, or a Gradescope export.

A folder holds one subfolder per student with their ``NAME.py`` (or one ``.py`` file per student,
named by its stem). A Gradescope "Export Submissions" zip holds ``submission_metadata.yml`` and one
``submission_<id>/`` folder each; names, SIDs and emails come from the metadata, read with PyYAML
(installed with Otter) when present, otherwise with a small parser for the shape Gradescope writes.
"""

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

METADATA = "submission_metadata.yml"


class BulkError(ValueError):
    """Bad input to bulk grading (missing folder, unreadable export, CSV of other columns)."""


@dataclass
class Submission:
    identifier: str
    path: Path = None  # the NAME.py to grade; None when the submission has none
    name: str = ""
    sid: str = ""
    email: str = ""
    problem: str = ""  # why it cannot be graded


# -- finding the submissions --------------------------------------------------------------------

def find_submissions(source, module_name, workspace):
    """The submissions in folder or zip ``source`` (a zip is extracted into ``workspace``)."""
    source = Path(source)
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise BulkError(f"{source} is neither a folder nor a zip file")
        folder = Path(workspace) / "export"
        try:
            with zipfile.ZipFile(source) as archive:
                archive.extractall(folder)  # zipfile drops absolute paths and ".." parts
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise BulkError(f"cannot extract {source}: {error}") from None
    elif source.is_dir():
        folder = source
    else:
        raise BulkError(f"no such folder or zip file: {source}")
    metadata = sorted((p for p in folder.rglob(METADATA) if "__MACOSX" not in p.parts), key=lambda p: len(p.parts))
    if metadata:
        submissions = _from_export(metadata[0], module_name)
    else:
        submissions = _from_folders(folder, module_name)
    if not submissions:
        raise BulkError(f"no submissions in {source} (expected one folder per student holding {module_name}.py, "
                        f"or a Gradescope export with {METADATA})")
    return submissions


def _subfolders(folder):
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in ("__MACOSX", "__pycache__")
                  and not p.name.startswith("."))


def _from_folders(folder, module_name):
    """One submission per subfolder (its ``NAME.py``), and one per loose ``.py`` file (named by its stem)."""
    subfolders = _subfolders(folder)
    loose_files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(subfolders) == 1 and not loose_files and not _locate(subfolders[0], module_name, shallow=True):
        return _from_folders(subfolders[0], module_name)  # a zip or copy of the class folder itself
    return ([_submission(sub.name, sub, module_name) for sub in subfolders]
            + [Submission(file.stem, file) for file in loose_files if file.suffix == ".py"])


def _from_export(metadata_file, module_name):
    try:
        people = read_metadata(metadata_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BulkError(f"cannot read {metadata_file.name}: {error}") from None
    folder = metadata_file.parent
    submissions = []
    for identifier, person in people.items():
        submission = _submission(identifier, folder / identifier, module_name)
        submission.name, submission.sid, submission.email = person["name"], person["sid"], person["email"]
        submissions.append(submission)
    submissions += [_submission(sub.name, sub, module_name) for sub in _subfolders(folder) if sub.name not in people]
    return submissions


def _locate(folder, module_name, shallow=False):
    if (folder / f"{module_name}.py").is_file():
        return folder / f"{module_name}.py"
    if shallow:
        return None
    found = [p for p in folder.rglob(f"{module_name}.py") if p.is_file() and "__MACOSX" not in p.parts]
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def _submission(identifier, folder, module_name):
    if not folder.is_dir():
        return Submission(identifier, problem="its folder is missing from the export")
    path = _locate(folder, module_name)
    if path is None:
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        listed = ", ".join(files[:5]) + (", ..." if len(files) > 5 else "") if files else "no files"
        return Submission(identifier, problem=f"no {module_name}.py in the submission ({listed})")
    return Submission(identifier, path)


# -- Gradescope's submission_metadata.yml ---------------------------------------------------------

def read_metadata(text):
    """``{"submission_<id>": {"name", "sid", "email"}}`` from Gradescope's ``submission_metadata.yml``.

    The file maps each submission folder to ``{":submitters": [{":name", ":sid", ":email"}, ...],
    ":created_at": ..., ":score": ..., ...}``; group members are joined with "; ".
    """
    try:
        import yaml
    except ImportError:
        data = parse_metadata(text)
    else:
        try:
            data = yaml.load(text, Loader=_tolerant_loader(yaml))
        except yaml.YAMLError as error:
            raise ValueError(str(error).replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of submission folders to their submitters")
    people = {}
    for key, record in data.items():
        submitters = record.get(":submitters") if isinstance(record, dict) else None
        if not isinstance(submitters, list):
            raise ValueError(f"{key}: no list of :submitters")
        people[str(key)] = {
            field_name: "; ".join(str(s.get(f":{field_name}") or "") for s in submitters if isinstance(s, dict))
            for field_name in ("name", "sid", "email")
        }
    return people


def _tolerant_loader(yaml):
    """yaml.SafeLoader that reads Ruby-tagged values (``!ruby/object:BigDecimal ...``) as plain data."""
    class Loader(yaml.SafeLoader):
        pass

    def untagged(loader, suffix, node):
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    Loader.add_multi_constructor("!", untagged)
    return Loader


_KEY_VALUE = re.compile(r"^(?:- )?(:?[\w-]+):(?:\s+(.*))?$")


def parse_metadata(text):
    """A small parser for the shape of ``submission_metadata.yml`` (block style, as Gradescope writes it).

    Reads the top-level keys and, under each, the ``:submitters:`` list of ``:name``, ``:sid``,
    ``:email``; everything else (scores, history, results) is skipped.
    """
    data, current, block, person = {}, None, None, None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            if not stripped.endswith(":"):
                raise ValueError(f"line {number}: expected `submission_<id>:`")
            current = _unquote(stripped[:-1])
            data[current] = {":submitters": []}
            block = person = None
            continue
        if current is None:
            raise ValueError(f"line {number}: indented line before any submission")
        if block is not None and (indent < block or (indent == block and not stripped.startswith("- "))):
            block = person = None
        if block is None:
            if stripped == ":submitters:":
                block = indent
            elif stripped.startswith(":submitters:"):
                raise ValueError(f"line {number}: write :submitters: as a block list")
            continue
        if stripped.startswith("- "):
            if indent > block + 2:
                continue  # a list nested inside a submitter
            person = {}
            data[current][":submitters"].append(person)
        match = _KEY_VALUE.match(stripped)
        if person is not None and match and match.group(1) in (":name", ":sid", ":email"):
            person[match.group(1)] = _unquote(match.group(2) or "")
    return data


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    return value


