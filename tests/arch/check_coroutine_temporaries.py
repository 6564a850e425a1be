#!/usr/bin/env python3
"""Fails on the coroutine shapes GCC 12.2 miscompiles (see docs/architecture.md).

1. A closure or a brace-initialised aggregate built as a temporary inside a co_await expression
   (its captures/members are destroyed from a stale copy: double or invalid frees).
2. co_await inside ?:, && or ||.
The fix is always the same: bind the value to a named local before the co_await.
"""
import pathlib
import re
import sys

LAMBDA = re.compile(r"\[[^\[\]]*\]\s*(\([^()]*\)\s*)?(mutable\s*)?(->\s*[\w:<>, ]+\s*)?\{")
AGGREGATE = re.compile(r"\b[A-Z][A-Za-z0-9_]*(::[A-Z][A-Za-z0-9_]*)*\s*\{|\(\s*\{|,\s*\{")
CONDITIONAL = re.compile(r"(\?|&&|\|\|)\s*!?\s*co_await|co_await[^;]*(\s\?\s|&&|\|\|)")


def statements(text: str):
    """Yields (line, statement) split on ; { } outside strings, comments stripped."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    start, line = 0, 1
    depth = 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == ";" or (depth == 0 and c in "{}"):
            statement = text[start:i + 1]
            leading = statement[: len(statement) - len(statement.lstrip())]
            yield line + leading.count("\n"), statement
            line += statement.count("\n")
            start = i + 1


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    count = 0
    for folder in ("src", "include", "tests", "bench"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in (".cpp", ".hpp"):
                continue
            count += 1
            for line, statement in statements(path.read_text(encoding="utf-8")):
                if "co_await" not in statement:
                    continue
                after = statement[statement.index("co_await"):]
                where = f"{path.relative_to(root)}:{line}"
                if LAMBDA.search(after):
                    problems.append(f"{where}: closure temporary inside co_await")
                elif AGGREGATE.search(after):
                    problems.append(f"{where}: brace-initialised temporary inside co_await")
                if CONDITIONAL.search(statement):
                    problems.append(f"{where}: co_await inside ?:, && or ||")
    for problem in problems:
        print(problem)
    print(f"checked {count} files: {len(problems)} unsafe co_await expressions")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
