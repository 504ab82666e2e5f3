# syntax=docker/dockerfile:1

# Build: one static binary. No cgo is needed: embedded FerretDB uses
# modernc.org/sqlite (pure Go) and templates, styles and locales are embedded.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /guildhall ./cmd/guildhall
# The data directory must belong to the runtime user so a fresh named volume
# mounted on it is writable (the runtime image has no shell to mkdir/chown).
RUN mkdir -p /out/data

# Run: distroless, no shell, non-root (uid 65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /guildhall /guildhall
COPY --from=build --chown=65532:65532 /out/data /data
USER nonroot:nonroot
ENV GUILDHALL_ADDR=:8080 \
    GUILDHALL_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/guildhall"]
CMD ["serve"]
