#!/bin/sh
# The dashboard tests drive Debian's Chromium through playwright-core (which cannot
# download a browser here). Installs it when missing and this machine can; otherwise
# says what to do. Called by `npm run check`.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the dashboard tests…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
  exit 0
fi
echo "The dashboard tests need Chromium at $CHROMIUM. Install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
