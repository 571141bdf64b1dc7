#!/usr/bin/env bash
# Builds PhotoFlow's container image (deploy/docker/Dockerfile) with podman,
# or docker when PHOTOFLOW_CONTAINER_ENGINE=docker.
#
# Usage: deploy/docker/build-image.sh [--tag IMAGE] [--base IMAGE | --bootstrap-base]
#   --tag IMAGE        the image to build (default localhost/photoflow:dev)
#   --base IMAGE       the Debian bookworm base (default docker.io/library/debian:bookworm)
#   --bootstrap-base   no registry needed: builds the base from Debian's packages
#                      with mmdebstrap --variant=minbase and imports it as
#                      localhost/photoflow-base:bookworm (reused when present)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
engine=${PHOTOFLOW_CONTAINER_ENGINE:-podman}
tag=localhost/photoflow:dev
base=docker.io/library/debian:bookworm
bootstrap=0
while (($#)); do
  case $1 in
    --tag) tag=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --bootstrap-base) bootstrap=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ $engine == podman ]]; then
  export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo/deploy/docker/containers.conf}
fi

started=$(date +%s)
if ((bootstrap)); then
  base=localhost/photoflow-base:bookworm
  if ! "$engine" image exists "$base" 2>/dev/null; then
    rootfs=$(mktemp -d)/bookworm.tar
    echo "build-image: bootstrapping $base from Debian's packages (mmdebstrap)" >&2
    mmdebstrap --quiet --variant=minbase bookworm "$rootfs" \
      "${PHOTOFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
    "$engine" import --change 'CMD ["/bin/bash"]' "$rootfs" "$base" >/dev/null
    rm -rf "$(dirname "$rootfs")"
  fi
fi

revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
source_url=$(git -C "$repo" remote get-url origin 2>/dev/null || echo unknown)
version=$(sed -n 's/^project(photoflow VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
echo "build-image: building $tag on $base" >&2
# Host networking: the build's apt-get reaches Debian's mirrors without a
# bridge (none is set up on CI machines).
"$engine" build --network host -f "$repo/deploy/docker/Dockerfile" -t "$tag" \
  --build-arg BASE_IMAGE="$base" --build-arg VERSION="$version" \
  --build-arg REVISION="$revision" --build-arg SOURCE="$source_url" \
  --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$repo"
echo "build-image: built $tag in $(($(date +%s) - started)) s" >&2
