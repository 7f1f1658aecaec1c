# Reads an Alembic project's revision graph without importing its version
# files: Alembic's own config finds the version directories, and Python's
# `ast` reads each file's top-level assignments. One line per revision:
# file, revision, down revisions, branch labels, depends_on, message,
# create date; tab-separated, lists comma-separated.
import ast
import os
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

ini = sys.argv[1]
script = ScriptDirectory.from_config(Config(ini))
KEYS = ("revision", "down_revision", "branch_labels", "depends_on")


def as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [str(value)]


def clean(text):
    return " ".join(str(text).split())


for location in script._version_locations:
    if not os.path.isdir(location):
        continue
    for name in sorted(os.listdir(location)):
        if not name.endswith(".py") or name.startswith("__"):
            continue
        path = os.path.join(location, name)
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), filename=path)
        values = {}
        for node in tree.body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id in KEYS:
                    try:
                        values[target.id] = ast.literal_eval(value)
                    except ValueError:
                        sys.exit(f"{path}: `{target.id}` is not a literal")
        if "revision" not in values:
            continue
        doc = ast.get_docstring(tree) or ""
        lines = [l.strip() for l in doc.splitlines()]
        message = clean(lines[0]) if lines else ""
        created = ""
        for line in lines:
            if line.startswith("Create Date:"):
                created = clean(line[len("Create Date:"):])
        print(
            "\t".join(
                [
                    name,
                    str(values["revision"]),
                    ",".join(as_list(values.get("down_revision"))),
                    ",".join(as_list(values.get("branch_labels"))),
                    ",".join(as_list(values.get("depends_on"))),
                    message,
                    created,
                ]
            )
        )
