#!/usr/bin/env bash
# Install the Debian packages briefgen needs, only when something is missing.
# Usage: scripts/system-deps.sh [python|pdf|browser]...
#   python: venv support and graphviz; pdf: the emoji font and poppler-utils; browser: chromium (tests);
#   node: npm (scripts/axe-core.sh fetches axe-core, the browser tests' accessibility rules)
set -euo pipefail

need=()
for what in "$@"; do
  case "$what" in
    python)
      python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv python3-pip)
      command -v dot >/dev/null || need+=(graphviz)  # the actor map, in HTML and PDF
      [ -d /usr/share/fonts/opentype/freefont ] || need+=(fonts-freefont-otf)  # the map's layout font
      ;;
    pdf)
      # The PDF is compiled by the typst package (its compiler is in the wheel: no TeX). Colour emoji
      # come from Noto Color Emoji; pdftotext/pdffonts are what the tests read the PDF with.
      [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
      command -v pdftotext >/dev/null || need+=(poppler-utils)
      ;;
    browser)
      # Playwright drives Debian's Chromium: a test tool's own browser download cannot work here.
      command -v chromium >/dev/null || need+=(chromium)
      ;;
    node)
      command -v npm >/dev/null || need+=(npm)
      ;;
    *) echo "system-deps: unknown group '$what'" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

# de-duplicate while keeping order
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk '!seen[$0]++')
cmd=(apt-get install -y -q --no-install-recommends "${need[@]}")
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "briefgen needs these Debian packages: ${need[*]}" >&2
  echo "Run as root: apt-get update && ${cmd[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" "${cmd[@]}" >/dev/null
