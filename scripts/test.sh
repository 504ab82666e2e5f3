#!/usr/bin/env bash
# The project's test command. On a fresh Debian machine it installs what the
# tests need (the pinned MinIO, stripe-mock and Mailpit servers, Debian's Chromium),
# then runs every test with the race detector. Tests start and stop their own
# MinIO, stripe-mock and Chromium processes, so nothing is left running
# afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
STRIPE_MOCK_MODULE=github.com/stripe/stripe-mock
STRIPE_MOCK_VERSION=v0.203.0
MAILPIT_MODULE=github.com/axllent/mailpit
MAILPIT_VERSION=v1.33.1
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

if [ ! -x "$bin/stripe-mock" ] || [ "$(cat "$bin/stripe-mock.version" 2>/dev/null)" != "$STRIPE_MOCK_VERSION" ]; then
  say "building Stripe's mock API server $STRIPE_MOCK_VERSION into .cache/bin (first run only)"
  GOBIN="$bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$STRIPE_MOCK_MODULE@$STRIPE_MOCK_VERSION"
  echo "$STRIPE_MOCK_VERSION" > "$bin/stripe-mock.version"
fi
export GUILDHALL_TEST_STRIPE_MOCK_BIN="$bin/stripe-mock"

if [ ! -x "$bin/mailpit" ] || [ "$(cat "$bin/mailpit.version" 2>/dev/null)" != "$MAILPIT_VERSION" ]; then
  say "building the Mailpit SMTP server $MAILPIT_VERSION into .cache/bin (first run only)"
  GOBIN="$bin" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$MAILPIT_MODULE@$MAILPIT_VERSION"
  echo "$MAILPIT_VERSION" > "$bin/mailpit.version"
fi
export GUILDHALL_TEST_MAILPIT_BIN="$bin/mailpit"

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

# The race detector slows embedded FerretDB some fifteen times, so under it
# the checkout races run a hundred buyers; here they run the thousand.
say "go test: the 1,000-buyer checkout races, without the race detector"
go test -count=1 -timeout 20m -run '^(TestAThousandBuyersOfTenGetTenOrders|TestTwoOptionsOfOneWorkDrawOnOneCount)$' \
  ./internal/commerce/ "$@" || status=$?

# Every fuzz target, found by name, also runs a few seconds past its seeds
# (go test above ran the seeds); go test fuzzes one target at a time.
say "fuzz (FUZZTIME=${FUZZTIME:=5s} each)"
while read -r file; do
  for name in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -c6-); do
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "./$(dirname "$file")" || status=$?
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' internal cmd | sort)

say "finished in $(( $(date +%s) - started ))s with status $status"
exit $status
