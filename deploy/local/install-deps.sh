#!/usr/bin/env bash
# Idempotent installer for the Debian (12 / bookworm) packages PhotoFlow needs
# to build, test and run locally.
#
# Usage: deploy/local/install-deps.sh [--check] [--build]
#   --check   only report; exit 1 if something is missing, install nothing.
#   --build   only what building the server, migrate, admin and CLI needs
#             (the container image's build stage); no npm.
#
# apt-get update/install run only when at least one package is missing.
# Then the Node client's npm packages are installed from its lockfile
# (npm ci), when node_modules is missing or older than the lockfile.
set -euo pipefail

BUILD_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # gRPC / protobuf
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  # google/rpc/status.proto and error_details.proto (rich gRPC errors); Debian
  # ships them only inside this Go package, as plain .proto files
  golang-github-gogo-googleapis-dev
  # grpc.health.v1 and reflection .proto files (test clients, descriptor set)
  grpc-proto
  # PostgreSQL client libraries
  libpqxx-dev libpq-dev
  # metrics, boost, TLS
  prometheus-cpp-dev libboost-dev libboost-system-dev libssl-dev
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}"
  git
  # test certificates (TLS, mTLS)
  openssl
  # tests / benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # local services
  postgresql-15 postgresql-client-15 prometheus
  # PgBouncer in transaction mode, for the pgbouncer=true tests
  pgbouncer
  # libFuzzer targets (filter and page-token parsers)
  clang libclang-rt-14-dev
  # the Python client (built into a virtualenv; Debian's grpcio and protobuf),
  # the reflection test client, formatting
  python3-grpcio python3-protobuf python3-venv python3-pip python3-setuptools python3-wheel
  clang-format
  # the container image (deploy/docker: podman with runc, a Debian base
  # bootstrapped by mmdebstrap) and its test (curl)
  podman runc mmdebstrap curl
  # the Kubernetes manifests' checks (tests/deploy): YAML
  python3-yaml
)
# kubectl renders the kustomize overlays; Debian's kubernetes-client unless a
# kubectl is on PATH already (a newer one from Kubernetes' own packages).
if ! command -v kubectl >/dev/null 2>&1; then
  PACKAGES+=(kubernetes-client)
fi
# The Node client: Debian's nodejs and npm, unless a node and npm are on PATH
# already (a NodeSource nodejs, say, which conflicts with Debian's npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

check_only=0
build_only=0
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    --build) build_only=1 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [--check] [--build]" >&2; exit 2 ;;
  esac
done
if ((build_only)); then
  PACKAGES=("${BUILD_PACKAGES[@]}")
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: dpkg-query/apt-get not found; this script supports Debian/Ubuntu only" >&2
  exit 1
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

install_node_modules() {
  local dir=$repo/client/node
  if ((build_only)); then
    return 0
  fi
  if [[ -f $dir/node_modules/.package-lock.json && ! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    return 0
  fi
  if ((check_only)); then
    echo "install-deps: client/node needs npm ci"
    return 1
  fi
  echo "install-deps: npm ci (client/node)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

is_installed() {
  local status
  # Unknown packages make dpkg-query fail: treat as missing.
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == *"ok installed"* ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  install_node_modules
  exit
fi

if ((check_only)); then
  echo "install-deps: missing: ${missing[*]}"
  exit 1
fi
echo "install-deps: installing: ${missing[*]}"

SUDO=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: not root and sudo is not available; run as root:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
  is_installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]})); then
  echo "install-deps: still missing after install: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-deps: done (${#missing[@]} installed)"
install_node_modules
