#!/usr/bin/env bash
# The project's test command. On a fresh Debian machine it installs what the
# tests need (the pinned MinIO server, Debian's Chromium), then runs every
# test with the race detector. Tests start and stop their own MinIO and
# Chromium processes, so nothing is left running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
bin="$root/.cache/bin"
mkdir -p "$bin"

started=$(date +%s)
say() { printf '==> %s\n' "$*"; }

if [ ! -x "$bin/minio" ] || [ "$(cat "$bin/minio.version" 2>/dev/null)" != "$MINIO_VERSION" ]; then
  say "building the MinIO server $MINIO_VERSION into .cache/bin (first run only, a few minutes)"
  GOBIN="$bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$MINIO_MODULE@$MINIO_VERSION"
  echo "$MINIO_VERSION" > "$bin/minio.version"
fi
export GUILDHALL_TEST_MINIO_BIN="$bin/minio"

if [ -z "${GUILDHALL_TEST_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's chromium (and a Chinese font for screenshots) for the browser tests"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi

say "go vet"
go vet ./...

say "go test -race"
status=0
go test -race -count=1 -timeout 30m ./... "$@" || status=$?

say "finished in $(( $(date +%s) - started ))s with status $status"
exit $status
