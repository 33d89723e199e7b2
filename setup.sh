#!/bin/sh
# Set up nianbao on Debian 12: install what is missing, build, render every sample.
# Usage: ./setup.sh        (run as root, or as a user who may use sudo)
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential pkg-config libhpdf-dev libyaml-dev zlib1g-dev libpng-dev \
libfontconfig-dev fontconfig libcmocka-dev libharfbuzz-dev poppler-utils qpdf mupdf-tools \
ghostscript python3 python3-yaml \
fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-uming fonts-arphic-ukai fonts-wqy-microhei \
fonts-lxgw-wenkai fonts-babelstone-han libfreetype-dev python3-fonttools clang strace \
libreoffice-calc-nogui locales gettext \
libxlsxwriter-dev libzip-dev libexpat1-dev python3-openpyxl \
libssl-dev libgs-common python3-pikepdf libnss3-tools libdeflate-dev"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
updated=""
if [ -n "$missing" ]; then
    echo "Installing:$missing"
    $SUDO apt-get update -q
    updated=1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

# The Fandol fonts (仿宋, 宋体, 黑体, 楷体 in OpenType) ship only inside TeX Live's
# texlive-lang-chinese: its .deb is fetched and just the font files are taken out of it,
# without installing TeX (see fonts/README.md).
FANDOL=/usr/local/share/fonts/fandol
if ! fc-list : family | grep -q FandolFang; then
    echo "Installing the Fandol fonts into $FANDOL (from texlive-lang-chinese's package)"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    chmod 755 "$tmp"
    if ! (cd "$tmp" && apt-get download -q texlive-lang-chinese >/dev/null 2>&1); then
        [ -n "$updated" ] || $SUDO apt-get update -q
        (cd "$tmp" && apt-get download -q texlive-lang-chinese)
    fi
    dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    src="$tmp/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
    $SUDO install -d "$FANDOL"
    $SUDO install -m 644 "$src"/FandolFang-*.otf "$src"/FandolHei-*.otf "$src"/FandolKai-*.otf \
        "$src"/FandolSong-*.otf "$tmp"/x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz \
        "$tmp"/x/usr/share/doc/texlive-doc/fonts/fandol/README "$FANDOL"/
    $SUDO fc-cache -f "$FANDOL"
fi

# The Chinese locale, so that messages can be read (and tested) in Chinese: Debian ships its
# definition in `locales`; it is compiled here when this machine lacks it.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    echo "Making the zh_CN.UTF-8 locale"
    $SUDO localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
fi

make
for s in samples/*.yaml; do
    ./nianbao render "$s"
done
echo "Done: the PDFs are beside their samples in samples/."
