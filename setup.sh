#!/bin/sh
# Set up nianbao on Debian 12: install what is missing, build, render every sample.
# Usage: ./setup.sh        (run as root, or as a user who may use sudo)
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential pkg-config libhpdf-dev libyaml-dev zlib1g-dev libpng-dev \
libfontconfig-dev fontconfig libcmocka-dev poppler-utils qpdf python3 python3-yaml \
fonts-arphic-gbsn00lp fonts-arphic-uming fonts-arphic-ukai fonts-wqy-microhei fonts-lxgw-wenkai \
libfreetype-dev python3-fonttools clang strace"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "Installing:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

make
for s in samples/*.yaml; do
    ./nianbao render "$s"
done
echo "Done: the PDFs are beside their samples in samples/."
