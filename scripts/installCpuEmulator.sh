#!/usr/bin/env bash
# Installs Debian's qemu-user, with which the test suite runs the shipped models on an emulated CPU without AVX-512 (a
# Haswell: AVX2 and FMA) and checks they compute the same numbers, bit for bit, as on this machine
# (tests/adapters/onnxEncoder/sameOnEveryCpu.model.test.ts). Does nothing when qemu-x86_64 is already there. Needs root, or
# sudo when run as another user.
set -euo pipefail
if command -v qemu-x86_64 > /dev/null; then
  echo "qemu-user is already installed at $(command -v qemu-x86_64)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qemu-user
