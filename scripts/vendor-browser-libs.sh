#!/usr/bin/env bash
# Vendor the small browser libraries the kiosk needs from the npm registry into
# kiosk_ui/static/vendor/: a pinned version, checked against its pinned sha512
# integrity, with its licence and a VERSIONS file. No CDN, no bundler.
# Run it again only to change a version (then update the pinned integrity).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/kiosk_ui/static/vendor"

# name version integrity files-to-copy (paths inside the package)
QRCODE_NAME=qrcode-generator
QRCODE_VERSION=2.0.4
QRCODE_INTEGRITY='sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g=='

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

vendor() {
  local name=$1 version=$2 integrity=$3
  shift 3
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
  local target="$VENDOR/$name"
  rm -rf "$target"
  mkdir -p "$target"
  for file in "$@"; do
    cp "$work/package/$file" "$target/"
  done
  if [[ -f "$work/package/LICENSE" ]]; then
    cp "$work/package/LICENSE" "$target/LICENSE"
  else
    # The package ships no LICENSE file: its MIT licence and copyright are in
    # the source header and package.json, so write the MIT text with that line.
    mit_licence "$(grep -m1 -o 'Copyright (c) .*' "$work/package/$1")" >"$target/LICENSE"
  fi
  local licence
  licence="$(node -e 'console.log(require(process.argv[1]).license)' "$work/package/package.json")"
  printf 'name: %s\nversion: %s\nlicence: %s\nintegrity: %s\nsource: npm registry (npm pack %s@%s)\n' \
    "$name" "$version" "$licence" "$integrity" "$name" "$version" >"$target/VERSIONS"
  echo "vendored $name@$version into ${target#"$ROOT"/}"
}

vendor "$QRCODE_NAME" "$QRCODE_VERSION" "$QRCODE_INTEGRITY" dist/qrcode.mjs
