"""The validate baseline: a process that parses every scenario file under DIR with libyaml
(`yaml.CSafeLoader`) and nothing else: no checks, no output."""

import sys
from pathlib import Path

import yaml

if __name__ == "__main__":
    for path in sorted(Path(sys.argv[1]).rglob("*.y*ml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
