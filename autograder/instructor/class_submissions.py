"""Find the submissions of a class: a folder, a zip of one, or a Gradescope export.

A folder holds one subfolder per student with their upload, in which ``NAME.py`` is found as
Gradescope finds it (``autograder.gradescope.upload``), or one ``.py`` file per student, named by its stem;
such a submission is dated by its file's modification time. A Gradescope
"Export Submissions" zip holds ``submission_metadata.yml`` and one ``submission_<id>/`` folder
each; the submitters (several for a group: names, SIDs, emails) and the upload time
(``:created_at:``) come from the metadata, read with PyYAML. An export without its metadata (folders
named ``submission_<id>``) is refused unless ``without_metadata`` says the instructor means it: it
would be graded without names, and dated by its files' times.

A member of a zip that cannot be read (damaged, encrypted) costs only the submission it belongs to,
which gets a ``problem`` naming it; a damaged metadata file stops everything.
"""

import os
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from autograder.gradescope.upload import UploadProblem, expected_for, find_graded_file

METADATA = "submission_metadata.yml"
ASSIGNMENTS = Path(__file__).resolve().parents[2] / "assignments"  # the handed-out files: copies are not answers
GRADESCOPE, FILE_TIME = "Gradescope's :created_at:", "file modification time"  # how a submission is dated
EXPORT_FOLDER = re.compile(r"submission_\d+")  # the folder of one submission in a Gradescope export
# What reading a damaged zip member raises (RuntimeError: it is encrypted; NotImplementedError: unknown compression).
UNREADABLE_MEMBER = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


class BulkError(ValueError):
    """Bad input to bulk grading (missing folder, unreadable export, CSV of other columns)."""


@dataclass
class Submission:
    identifier: str
    path: Path = None  # the NAME.py to grade; None when the submission has none
    people: list = field(default_factory=list)  # submitters {"name", "sid", "email"}: several for a group
    submitted_at: datetime = None  # aware; None when unknown
    dated_by: str = ""  # GRADESCOPE or FILE_TIME
    problem: str = ""  # why it cannot be graded
    source: Path = None  # the folder (or loose file) it was found in

    def matches(self, key):
        """Whether ``key`` names this submission: its identifier, or a submitter's SID or email."""
        key = key.strip().lower()
        return key == self.identifier.lower() or any(key in (p["sid"].lower(), p["email"].lower())
                                                     for p in self.people if key)


# -- finding the submissions --------------------------------------------------------------------

def find_submissions(source, module_name, workspace, without_metadata=False):
    """The submissions in folder or zip ``source`` (a zip is extracted into ``workspace``).

    ``without_metadata``: grade an export that lacks ``submission_metadata.yml`` as plain folders.
    """
    source = Path(source)
    unreadable = {}
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise BulkError(f"{source} is neither a folder nor a zip file")
        folder = Path(workspace) / "export"
        try:
            with zipfile.ZipFile(source) as archive:
                unreadable = _extract(archive, folder)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise BulkError(f"cannot extract {source}: {error}") from None
    elif source.is_dir():
        folder = source
    else:
        raise BulkError(f"no such folder or zip file: {source}")
    metadata = sorted((p for p in folder.rglob(METADATA) if "__MACOSX" not in p.parts), key=lambda p: len(p.parts))
    if metadata:
        if metadata[0] in unreadable:
            raise BulkError(f"{source}: its {METADATA} cannot be read ({unreadable[metadata[0]]}): download the "
                            f"export again")
        submissions = _from_export(metadata[0], module_name)
    else:
        _refuse_export_without_metadata(source, folder, without_metadata)
        submissions = _from_folders(folder, module_name)
    if not submissions:
        raise BulkError(f"no submissions in {source} (expected one folder per student holding {module_name}.py, "
                        f"or a Gradescope export with {METADATA})")
    for path, why in unreadable.items():  # the submission a damaged member belongs to is not graded
        for submission in submissions:
            if submission.source is not None and (path == submission.source or submission.source in path.parents):
                submission.path = None
                submission.problem = (f"{path.relative_to(submission.source.parent)} cannot be read from the zip "
                                      f"({why}): download it again")
    return submissions


def _extract(archive, folder):
    """Extract ``archive`` into ``folder``, keeping the files' times in the zip (they date a
    submission); return ``{path: why}`` of the members that cannot be read, each left as an empty
    file so that its submission is still found."""
    unreadable = {}
    for info in archive.infolist():
        try:
            archive.read(info)  # raises before anything is written when the member is damaged
        except UNREADABLE_MEMBER as error:
            parts = [p for p in PurePosixPath(info.filename.replace("\\", "/")).parts if p not in ("/", "..", "")]
            if parts and not info.is_dir():
                path = folder.joinpath(*parts)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
                unreadable[path] = " ".join(str(error).split()) or type(error).__name__
            continue
        archive.extract(info, folder)  # zipfile drops absolute paths and ".." parts
    _keep_modification_times(archive, folder)
    return unreadable


def _refuse_export_without_metadata(source, folder, without_metadata):
    """An export whose metadata is missing would be graded without names and dated by its files:
    refused, unless the instructor said so (``without_metadata``)."""
    exported = [p for p in folder.rglob("submission_*") if p.is_dir() and EXPORT_FOLDER.fullmatch(p.name)]
    if exported and not without_metadata:
        raise BulkError(f"{source} looks like a Gradescope export ({len(exported)} submission_<id> folders) but has "
                        f"no {METADATA}: without it there are no names, SIDs or upload times, and lateness would "
                        f"come from the files' times. Export it again from Gradescope, or write METADATA=none "
                        f"to grade it as plain folders")


def _keep_modification_times(archive, folder):
    """Give extracted files their time in the zip (extractall stamps them now): it dates a submission."""
    for info in archive.infolist():
        path = folder / info.filename
        if not info.is_dir() and path.is_file() and not path.is_symlink():
            os.utime(path, (time.time(), time.mktime(info.date_time + (0, 0, -1))))


def _subfolders(folder):
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in ("__MACOSX", "__pycache__")
                  and not p.name.startswith("."))


def _from_folders(folder, module_name):
    """One submission per subfolder (its ``NAME.py``), and one per loose ``.py`` file (named by its stem)."""
    subfolders = _subfolders(folder)
    loose_files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(subfolders) == 1 and not loose_files and not (subfolders[0] / f"{module_name}.py").is_file():
        return _from_folders(subfolders[0], module_name)  # a zip or copy of the class folder itself
    return ([_submission(sub.name, sub, module_name) for sub in subfolders]
            + [_dated(Submission(file.stem, file, source=file)) for file in loose_files if file.suffix == ".py"])


def _from_export(metadata_file, module_name):
    try:
        people = read_metadata(metadata_file.read_text(encoding="utf-8"))
    except BulkError:
        raise
    except (UnicodeDecodeError, ValueError) as error:
        raise BulkError(f"cannot read {metadata_file.name}: {error}") from None
    folder = metadata_file.parent
    submissions = []
    for identifier, (submitters, created_at) in people.items():
        submission = _submission(identifier, folder / identifier, module_name)
        submission.people = submitters
        if created_at is not None:
            submission.submitted_at, submission.dated_by = created_at, GRADESCOPE
        submissions.append(submission)
    submissions += [_submission(sub.name, sub, module_name) for sub in _subfolders(folder) if sub.name not in people]
    return submissions


def _submission(identifier, folder, module_name):
    """The file Gradescope would grade in ``folder`` (``autograder.gradescope.upload``: the same rules,
    the same words)."""
    if not folder.is_dir():
        return Submission(identifier, problem="its folder is missing from the export")
    try:
        path = find_graded_file(folder, expected_for(module_name, ASSIGNMENTS / module_name))
    except UploadProblem as problem:
        return Submission(identifier, problem=str(problem), source=folder)
    return _dated(Submission(identifier, path, source=folder))


def _dated(submission):
    """Date a submission by its file's modification time (the metadata's time replaces it when known)."""
    mtime = submission.path.stat().st_mtime
    submission.submitted_at, submission.dated_by = datetime.fromtimestamp(mtime, timezone.utc), FILE_TIME
    return submission


# -- Gradescope's submission_metadata.yml ---------------------------------------------------------

def read_metadata(text):
    """``{"submission_<id>": (people, created_at)}`` from Gradescope's ``submission_metadata.yml``.

    The file maps each submission folder to ``{":submitters": [{":name", ":sid", ":email"}, ...],
    ":created_at": ..., ":score": ..., ...}``; ``people`` is the list of submitters (several for a
    group) as ``{"name", "sid", "email"}``, ``created_at`` an aware datetime or None.
    """
    try:
        import yaml
    except ImportError:
        raise BulkError("reading a Gradescope export needs PyYAML: `make grade-all` installs it "
                        "(pip install -e \".[class]\")") from None
    try:
        data = yaml.load(text, Loader=_tolerant_loader(yaml))
    except yaml.YAMLError as error:
        raise ValueError(" ".join(str(error).split())) from None
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of submission folders to their submitters")
    found = {}
    for key, record in data.items():
        submitters = record.get(":submitters") if isinstance(record, dict) else None
        if not isinstance(submitters, list) or not all(isinstance(s, dict) for s in submitters):
            raise ValueError(f"{key}: no list of :submitters")
        people = [{field_name: str(s.get(f":{field_name}") or "").strip() for field_name in ("name", "sid", "email")}
                  for s in submitters]
        found[str(key)] = (people, _timestamp(record.get(":created_at"), key))
    return found


def _timestamp(value, key):
    """``:created_at:`` as an aware datetime (PyYAML reads Gradescope's timestamps as datetimes)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):  # quoted: "2026-11-20 17:01:02.123456000 -08:00"
        text = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
        try:
            value = datetime.fromisoformat(re.sub(r"\s+([+-]\d\d:?\d\d|Z)$", r"\1", text))
        except ValueError:
            raise ValueError(f"{key}: :created_at: {value!r} is not a time") from None
    if not isinstance(value, datetime):
        raise ValueError(f"{key}: :created_at: {value!r} is not a time")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # YAML: no zone means UTC


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
