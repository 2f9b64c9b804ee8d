#!/usr/bin/env bash
# Installs the Debian 12 packages paiban needs, only those missing (apt-get update first when
# something must be installed). Sourced by tools/demo, tools/check and tools/bench.
set -euo pipefail

PAIBAN_PACKAGES=(
  # build
  g++ cmake make ninja-build pkg-config
  # engine libraries
  libharfbuzz-dev libfreetype-dev libfontconfig-dev libicu-dev libhpdf-dev zlib1g-dev libdeflate-dev nettle-dev
  libtoml11-dev libcli11-dev libfmt-dev nlohmann-json3-dev liblcms2-dev libqpdf-dev libjemalloc-dev
  libjpeg-dev libpng-dev
  # fonts for the default roles (宋/黑 → Noto CJK, 楷 → AR PL UKai)
  fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai
  # tests, benchmarks, proofs
  libgtest-dev libgmock-dev libbenchmark-dev poppler-utils qpdf ghostscript time
  clang libclang-rt-14-dev lld
)

paiban_install_deps() {
  local missing=()
  for p in "${PAIBAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]})); then
    echo "paiban: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}
