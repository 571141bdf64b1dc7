"""Builds the photoflow-client package: the wrapper in photoflow/ plus stubs
generated from the repository's proto/ at build time.

The generator is protoc with grpc_python_plugin when both are installed
(Debian's protobuf-compiler 3.21 and protobuf-compiler-grpc 1.51: the same
versions as the python3-protobuf and python3-grpcio runtimes), else
grpc_tools.protoc (pip's grpcio-tools). Debian's python3-grpc-tools is not
used: it bundles protoc 3.5, older than the runtime it would generate for.

PHOTOFLOW_PROTO_DIR and PHOTOFLOW_GOOGLEAPIS_DIR override where the .proto
files are read from (defaults: ../../proto and Debian's
golang-github-gogo-googleapis-dev).
"""
import importlib.metadata
import os
import pathlib
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent
PROTO_DIR = pathlib.Path(os.environ.get("PHOTOFLOW_PROTO_DIR", HERE.parent.parent / "proto"))
GOOGLEAPIS_DIR = pathlib.Path(
    os.environ.get("PHOTOFLOW_GOOGLEAPIS_DIR", "/usr/share/gocode/src/github.com/gogo/googleapis"))
# Where google/protobuf/*.proto live (libprotobuf-dev).
WELL_KNOWN_DIR = pathlib.Path(os.environ.get("PHOTOFLOW_WELL_KNOWN_PROTO_DIR", "/usr/include"))
# The googleapis messages the API imports (google.api.http) and the error
# details the server sends (google.rpc). When googleapis-common-protos is
# installed where the package is built, the package depends on it; where it
# is not (Debian has no package of it), the package carries these modules
# itself, generated like the rest.
GOOGLE_PROTOS = [
    "google/api/http.proto",
    "google/api/annotations.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
]


PROTOC = shutil.which("protoc")
GRPC_PYTHON_PLUGIN = shutil.which("grpc_python_plugin")


def googleapis_installed():
    # By its distribution, not by importing google.rpc: a previous install of
    # this package, which carries those modules, must not count.
    try:
        importlib.metadata.distribution("googleapis-common-protos")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


BUNDLE_GOOGLEAPIS = not googleapis_installed()


def run_protoc(args):
    includes = [f"-I{PROTO_DIR}", f"-I{GOOGLEAPIS_DIR}", f"-I{WELL_KNOWN_DIR}"]
    if PROTOC and GRPC_PYTHON_PLUGIN:
        command = [PROTOC, f"--plugin=protoc-gen-grpc_python={GRPC_PYTHON_PLUGIN}", *includes,
                   *args]
        if subprocess.run(command, check=False).returncode != 0:
            raise SystemExit("protoc failed: " + " ".join(command))
        return
    from grpc_tools import protoc  # imported here: only building needs it

    command = ["grpc_tools.protoc", *includes, *args]
    if protoc.main(command) != 0:
        raise SystemExit("protoc failed: " + " ".join(command))


class BuildPyWithStubs(build_py):
    def run(self):
        super().run()
        out = pathlib.Path(self.build_lib)
        api_protos = sorted(
            str(path.relative_to(PROTO_DIR)) for path in (PROTO_DIR / "photoflow" / "v1").glob("*.proto"))
        if not api_protos:
            raise SystemExit(f"no .proto files under {PROTO_DIR}/photoflow/v1")
        run_protoc([f"--python_out={out}", f"--grpc_python_out={out}", *api_protos])
        if BUNDLE_GOOGLEAPIS:
            run_protoc([f"--python_out={out}", *GOOGLE_PROTOS])
        # photoflow is a regular package; its generated v1 subpackage gets an
        # __init__.py too. google.api and google.rpc stay namespace packages,
        # so they merge with google.protobuf.
        (out / "photoflow" / "v1" / "__init__.py").touch()


REQUIRES = ["grpcio>=1.51", "protobuf>=3.21"]
if not BUNDLE_GOOGLEAPIS:
    REQUIRES.append("googleapis-common-protos>=1.56")

setup(cmdclass={"build_py": BuildPyWithStubs}, install_requires=REQUIRES)
