#!/usr/bin/env bash
# Runs a command as on a machine where none of the apt packages the tests once needed are installed:
# in a private mount namespace (root only; nothing outside it changes) Debian's Chromium, every system
# font and fontconfig's configuration, the NSS libraries Chromium links, and the ffmpeg, redis-server and
# poppler programs CI installs for its extra checks are hidden.
#   sudo scripts/without-apt.sh npm test
# Hidden files become /dev/null (not executable, not a library), hidden folders an empty tmpfs.
set -euo pipefail
if [[ $# -eq 0 ]]; then echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; fi
exec unshare --mount --propagation private -- bash -euo pipefail -c '
  for f in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable \
           /usr/lib/x86_64-linux-gnu/libnss3.so /usr/lib/x86_64-linux-gnu/libnspr4.so \
           /usr/bin/ffmpeg /usr/bin/ffprobe /usr/bin/redis-server /usr/bin/pdftoppm /usr/bin/pdftotext; do
    if [[ -e $f ]]; then mount --bind /dev/null "$f"; fi
  done
  for d in /usr/lib/chromium /usr/share/fonts /usr/local/share/fonts /etc/fonts; do
    if [[ -d $d ]]; then mount -t tmpfs -o size=1m,mode=0755 tmpfs "$d"; fi
  done
  exec "$@"
' without-apt "$@"
