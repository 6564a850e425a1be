#!/usr/bin/python3
"""Every setting the server reads (the field table in src/app/config.cpp) is documented twice:
a row in docs/configuration.md naming its environment variable, and a key with that variable in
config/contact-center.example.toml. Operators read those two files, not the C++."""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
source = (root / "src/app/config.cpp").read_text()
docs = (root / "docs/configuration.md").read_text()
example = (root / "config/contact-center.example.toml").read_text()

fields = re.findall(r'\{"([a-z_]+)\.([a-z_0-9]+)",\s*"(CC_[A-Z0-9_]+)"', source)
if len(fields) < 20:
    sys.exit(f"found only {len(fields)} settings in config.cpp: the pattern no longer matches")

# The example file's keys per [section], including commented-out ones (secrets are shown commented).
example_keys = set()
section = None
for line in example.splitlines():
    header = re.match(r"^\[([a-z_]+)\]", line)
    if header:
        section = header.group(1)
        continue
    key = re.match(r"^#?\s?([a-z_0-9]+) = ", line)
    if key and section:
        example_keys.add(f"{section}.{key.group(1)}")

problems = []
for section, name, env in fields:
    path = f"{section}.{name}"
    if f"| `{path}` | `{env}` |" not in docs:
        problems.append(f"docs/configuration.md has no row for {path} ({env})")
    if path not in example_keys:
        problems.append(f"config/contact-center.example.toml has no key {path}")
    if env not in example:
        problems.append(f"config/contact-center.example.toml does not name {env}")
for problem in problems:
    print(problem)
print(f"{len(fields)} settings checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
