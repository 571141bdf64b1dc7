#!/usr/bin/python3
"""Checks that each layer of server/ includes only the layers it depends on.

The same graph as server/CMakeLists.txt, where each layer is a library with
only these dependencies. The linker catches a back-edge that calls into another
layer; this also catches one that only includes a header (an inline function,
a type), and the transport libraries (gRPC, protobuf, prometheus-cpp) that the
lower layers must not see. Exit status 1 lists every offending line.
"""
import pathlib
import re
import sys

# layer -> the layers whose headers it may include (besides its own).
ALLOWED = {
    "model": set(),
    "log": set(),
    "common": set(),
    "auth": set(),
    "query": {"model"},
    "config": {"log"},
    "db": {"log"},
    "store": {"db", "model", "log"},
    "migrate": {"db", "log", "common", "config"},
    "admin": {"store", "db", "model", "log", "config"},
    "api": {"store", "db", "query", "model", "log", "common", "auth"},
    "metrics": {"store", "db", "model", "log", "common"},
    "app": {"api", "metrics", "config", "db", "store", "model", "log", "common", "migrate", "auth"},
}
# Layers that must not see the transport or its messages.
TRANSPORT_FREE = {"model", "log", "common", "query", "config", "db", "store", "migrate", "auth",
                  "admin"}
TRANSPORT = re.compile(r"^(grpc|grpcpp|prometheus|google/protobuf|google/rpc|photoflow/v1)/")
# Layers that must not see libpq/libpqxx either.
DATABASE_FREE = {"model", "log", "common", "query", "config", "auth"}
DATABASE = re.compile(r"^(pqxx|libpq-fe\.h|postgresql)")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".hpp", ".cpp", ".h", ".cc"} or path.parent == root:
            continue
        relative = path.relative_to(root).as_posix()
        layer = relative.split("/")[0]
        if layer not in ALLOWED:
            problems.append(f"{relative}: layer '{layer}' is not in the graph")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            header = match.group(2)
            where = f"{relative}:{number}: {line.strip()}"
            if layer in TRANSPORT_FREE and TRANSPORT.match(header):
                problems.append(f"{where}  ({layer} must not depend on gRPC/protobuf/prometheus)")
            if layer in DATABASE_FREE and DATABASE.match(header):
                problems.append(f"{where}  ({layer} must not depend on libpq/libpqxx)")
            if match.group(1) != '"' or TRANSPORT.match(header):
                continue
            target = header.split("/")[0]
            if target != layer and target in ALLOWED and target not in ALLOWED[layer]:
                problems.append(f"{where}  ({layer} may include {sorted(ALLOWED[layer])})")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} layering problem(s)" if problems else "layers are clean")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
