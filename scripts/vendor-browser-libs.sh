#!/usr/bin/env bash
# Vendor the small browser libraries the pages need from the npm registry into
# kiosk_ui/static/vendor/ (the kiosk's own), page_kit/static/vendor/ (shared by
# every page) or pde/api_docs/static/vendor/ (the API page): a pinned version,
# checked against its pinned sha512 integrity, with its licence and a VERSIONS
# file. No CDN, no bundler.
# Run it again only to change a version (then update the pinned integrity).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KIOSK_VENDOR="$ROOT/kiosk_ui/static/vendor"
KIT_VENDOR="$ROOT/page_kit/static/vendor"
API_DOCS_VENDOR="$ROOT/pde/api_docs/static/vendor"

# name version integrity files-to-copy (paths inside the package)
QRCODE_NAME=qrcode-generator
QRCODE_VERSION=2.0.4
QRCODE_INTEGRITY='sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g=='

# Mozilla's PDF.js, "legacy" ES module build (it carries its own polyfills, so an
# older kiosk browser still previews PDFs): loaded only when a PDF is previewed.
PDFJS_NAME=pdfjs-dist
PDFJS_VERSION=6.5.438
PDFJS_INTEGRITY='sha512-vg8Pw1x+AFKy4AMDvhuWl5cOYV8d698UoEANoFFhc79hqXDnZQqnOXoxw3HG907WHOg1JYOvLhP756boddFxpA=='

# jsQR (Apache-2.0), a QR decoder in plain JavaScript: the login screen loads it
# only when a person reads their wallet card from a photo (and the browser has
# no BarcodeDetector). Its UMD build is copied as it is: imported as a module,
# it sets globalThis.jsQR.
JSQR_NAME=jsqr
JSQR_VERSION=1.4.0
JSQR_INTEGRITY='sha512-dxLob7q65Xg2DvstYkRpkYtmKm2sPJ9oFhrhmudT1dZvNFFTlroai3AWSpLey/w5vMcLBXRgOJsbXpdN9HzU/A=='

# Swagger UI (SmartBear, Apache-2.0) draws /openapi.json at /api/docs. Its bundle
# is a classic script that sets window.SwaggerUIBundle; the standalone preset (a
# top bar to type another URL) is left out, as are the source maps.
SWAGGER_NAME=swagger-ui-dist
SWAGGER_VERSION=5.35.0
SWAGGER_INTEGRITY='sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=='

mit_licence() {
  cat <<MIT
MIT License

$1

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
MIT
}

# vendor NAME VERSION INTEGRITY FOLDER FILE...: into FOLDER (under one of the vendor folders).
# Each FILE is a path inside the package, copied under its base name, or
# `path=dest` to copy it (a file or a whole folder) to dest inside FOLDER.
vendor() {
  local name=$1 version=$2 integrity=$3 folder=$4
  shift 4
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  local tarball="$work/$name-$version.tgz"
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [[ "$got" != "$integrity" ]]; then
    echo "integrity mismatch for $name@$version: got $got" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work"
  local target="$folder"
  rm -rf "$target"
  mkdir -p "$target"
  local file source dest
  for file in "$@"; do
    source="${file%%=*}"
    dest="$(basename "$source")"
    [[ "$file" == *=* ]] && dest="${file#*=}"
    mkdir -p "$(dirname "$target/$dest")"
    cp -R "$work/package/$source" "$target/$dest"
  done
  if [[ -f "$work/package/LICENSE" ]]; then
    cp "$work/package/LICENSE" "$target/LICENSE"
  else
    # The package ships no LICENSE file: its MIT licence and copyright are in
    # the source header and package.json, so write the MIT text with that line.
    mit_licence "$(grep -m1 -o 'Copyright (c) .*' "$work/package/${1%%=*}")" >"$target/LICENSE"
  fi
  local licence
  licence="$(node -e 'console.log(require(process.argv[1]).license)' "$work/package/package.json")"
  printf 'name: %s\nversion: %s\nlicence: %s\nintegrity: %s\nsource: npm registry (npm pack %s@%s)\n' \
    "$name" "$version" "$licence" "$integrity" "$name" "$version" >"$target/VERSIONS"
  echo "vendored $name@$version into ${target#"$ROOT"/}"
}

vendor "$QRCODE_NAME" "$QRCODE_VERSION" "$QRCODE_INTEGRITY" "$KIOSK_VENDOR/qrcode-generator" dist/qrcode.mjs
vendor "$JSQR_NAME" "$JSQR_VERSION" "$JSQR_INTEGRITY" "$KIOSK_VENDOR/jsqr" dist/jsQR.js
vendor "$SWAGGER_NAME" "$SWAGGER_VERSION" "$SWAGGER_INTEGRITY" "$API_DOCS_VENDOR/swagger-ui" \
  swagger-ui-bundle.js swagger-ui.css NOTICE swagger-ui-bundle.js.LICENSE.txt

# The page's strict CSP has no 'wasm-unsafe-eval': PDF.js runs with useWasm
# off and decodes JBIG2/CCITT and JPEG 2000 scans with its plain-JavaScript
# fallbacks, so the .wasm files are left out. The standard fonts draw PDFs
# that name Helvetica, Times or Courier without embedding them. CMaps (only
# for CJK fonts that are not embedded) are left out to keep the folder small.
vendor "$PDFJS_NAME" "$PDFJS_VERSION" "$PDFJS_INTEGRITY" "$KIT_VENDOR/pdfjs" \
  legacy/build/pdf.min.mjs legacy/build/pdf.worker.min.mjs standard_fonts=standard_fonts \
  wasm/jbig2_nowasm_fallback.js=wasm/jbig2_nowasm_fallback.js \
  wasm/openjpeg_nowasm_fallback.js=wasm/openjpeg_nowasm_fallback.js \
  wasm/LICENSE_JBIG2=wasm/LICENSE_JBIG2 wasm/LICENSE_PDFJS_JBIG2=wasm/LICENSE_PDFJS_JBIG2 \
  wasm/LICENSE_OPENJPEG=wasm/LICENSE_OPENJPEG wasm/LICENSE_PDFJS_OPENJPEG=wasm/LICENSE_PDFJS_OPENJPEG
cat >"$KIT_VENDOR/pdfjs/README" <<'NOTE'
PDF.js (pdfjs-dist, Mozilla, Apache-2.0), vendored by scripts/vendor-browser-libs.sh.

page_kit/static/pdf.js (the one loader of every page) imports pdf.min.mjs only
when a PDF is previewed, with pdf.worker.min.mjs as its worker (both from the package's
legacy/build: the same API, with polyfills for older browsers), and draws pages on a
<canvas>: no text layer, no annotation layer, no scripting, no XFA.
The page's CSP has no 'wasm-unsafe-eval', so PDF.js runs with useWasm off
and decodes JBIG2/CCITT and JPEG 2000 images with wasm/*_nowasm_fallback.js.
standard_fonts/ draws PDFs that use the standard 14 fonts without embedding
them (Foxit and Liberation licences inside). CMaps and the .wasm and ICC
files of the package are not vendored.
NOTE
