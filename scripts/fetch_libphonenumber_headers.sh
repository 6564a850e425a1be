#!/usr/bin/env bash
# Debian's libphonenumber-dev cannot be installed next to libboost1.81-dev (it depends on
# libboost-thread-dev, i.e. Boost 1.74). The runtime (libphonenumber8) has no such dependency,
# so scripts/bootstrap installs the runtime plus libprotobuf-dev and libabsl-dev, and this
# script takes the headers out of the -dev package without installing it.
# Usage: scripts/fetch_libphonenumber_headers.sh [DEST]  (default: third_party/libphonenumber)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/third_party/libphonenumber}
if [[ -f $DEST/include/phonenumbers/phonenumberutil.h ]]; then exit 0; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
(cd "$WORK" && apt-get download libphonenumber-dev >/dev/null)
dpkg-deb -x "$WORK"/libphonenumber-dev_*.deb "$WORK/x"
mkdir -p "$DEST/include"
cp -r "$WORK/x/usr/include/phonenumbers" "$DEST/include/"
echo "libphonenumber headers in $DEST/include"
