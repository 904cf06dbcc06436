#!/usr/bin/env bash
# Install the Debian packages briefgen needs, only when something is missing.
# Usage: scripts/system-deps.sh [python|pdf|browser]...
#   python: venv support and graphviz; pdf: LaTeX toolchain, fonts, rsvg-convert; browser: chromium (tests)
set -euo pipefail

need=()
for what in "$@"; do
  case "$what" in
    python)
      python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv python3-pip)
      command -v dot >/dev/null || need+=(graphviz)  # the actor map, in HTML and PDF
      ;;
    pdf)
      command -v latexmk >/dev/null || need+=(latexmk)
      command -v lualatex >/dev/null || need+=(texlive-luatex)
      command -v xelatex >/dev/null || need+=(texlive-xetex)
      kpsewhich lua-ul.sty >/dev/null 2>&1 || need+=(texlive-latex-extra)
      kpsewhich pzdr.tfm >/dev/null 2>&1 || need+=(texlive-fonts-recommended)
      [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
      [ -d /usr/share/fonts/opentype/freefont ] || need+=(fonts-freefont-otf)
      command -v pdftoppm >/dev/null || need+=(poppler-utils)
      command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
      ;;
    browser)
      # Playwright drives Debian's Chromium: a test tool's own browser download cannot work here.
      command -v chromium >/dev/null || need+=(chromium)
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
