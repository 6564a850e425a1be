#!/usr/bin/env python3
"""Fails when a source file includes across a forbidden module arrow (docs/architecture.md).

Each module folder lists include prefixes it must never use. The build also encodes the arrows
(target_link_libraries); this check catches a header-only include that the linker would not.
"""
import pathlib
import re
import sys

FORBIDDEN = {
    "domain": ["boost/", "spdlog", "pqxx", "hiredis", "nlohmann", "openssl", "cc/"],
    "crypto": ["boost/", "pqxx", "hiredis", "nlohmann", "cc/domain", "cc/services", "cc/store",
               "cc/net", "cc/api", "cc/channels", "cc/app"],
    "metrics": ["boost/", "pqxx", "hiredis", "nlohmann", "cc/"],
    "async": ["pqxx", "hiredis", "boost/beast", "cc/services", "cc/store", "cc/net", "cc/api",
              "cc/channels", "cc/app"],
    "net": ["pqxx", "hiredis", "nlohmann", "cc/domain", "cc/services", "cc/store", "cc/api",
            "cc/channels", "cc/app", "cc/problem"],
    "services": ["pqxx", "hiredis", "boost/beast", "cc/store", "cc/net", "cc/api", "cc/channels",
                 "cc/app", "cc/problem"],
    "problem": ["pqxx", "hiredis", "cc/services", "cc/store", "cc/api", "cc/channels", "cc/app"],
    "store": ["boost/beast", "cc/net", "cc/api", "cc/channels", "cc/app", "cc/problem"],
    "api": ["pqxx", "hiredis", "cc/store", "cc/channels", "cc/app"],
    "channels": ["pqxx", "hiredis", "cc/store", "cc/api", "cc/app"],
    # routing: pure classification and rule logic (RE2 and OpenCC allowed), like domain.
    "routing": ["boost/", "spdlog", "pqxx", "hiredis", "nlohmann", "cc/"],
}
# Exceptions a module may use despite a broader rule above.
ALLOWED = {
    "domain": ["cc/domain/"],
    "crypto": ["cc/crypto/"],
    "metrics": ["cc/metrics/"],
    "async": ["cc/async/", "cc/domain/error.hpp"],
    "routing": ["cc/routing/"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def module_of(path: pathlib.Path, root: pathlib.Path):
    parts = path.relative_to(root).parts
    if parts[0] == "src" and len(parts) > 1:
        return parts[1]
    if parts[0] == "include" and len(parts) > 2 and parts[1] == "cc":
        return parts[2]
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    files = [p for d in ("src", "include") for p in (root / d).rglob("*") if p.suffix in (".cpp", ".hpp", ".h")]
    for path in files:
        module = module_of(path, root)
        if module not in FORBIDDEN:
            continue
        for include in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if any(include.startswith(ok) for ok in ALLOWED.get(module, [])):
                continue
            for banned in FORBIDDEN[module]:
                if include.startswith(banned):
                    problems.append(f"{path.relative_to(root)}: module '{module}' must not include <{include}>")
    if not files:
        problems.append("no sources found: wrong root?")
    for problem in problems:
        print(problem)
    print(f"checked {len(files)} files: {len(problems)} forbidden includes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
