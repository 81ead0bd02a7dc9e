#!/bin/sh
# Debian's converters for the readers, installed only when missing:
#   antiword            legacy Word .doc (catdoc is accepted instead when present)
#   tesseract-ocr       OCR of scanned PDF pages
#   tesseract-ocr-vie   Tesseract's Vietnamese model
# As root, or through sudo. LibreOffice is not needed (used only when present).
set -eu
need=""
if ! command -v antiword >/dev/null 2>&1 && ! command -v catdoc >/dev/null 2>&1; then
    need="$need antiword"
fi
if ! command -v tesseract >/dev/null 2>&1; then
    need="$need tesseract-ocr tesseract-ocr-vie"
elif ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
    need="$need tesseract-ocr-vie"
fi
if [ -z "$need" ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install_readers: installing Debian's$need" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
command -v antiword >/dev/null 2>&1 || command -v catdoc >/dev/null 2>&1
tesseract --list-langs 2>/dev/null | grep -qx vie
