// Package blob stores images and files. The Store interface has two
// implementations: a folder on disk (fs, the embedded default) and S3/MinIO (s3).
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNotFound is returned by Get, Stat and URL when no object has the key.
var ErrNotFound = errors.New("blob: not found")

// ErrInvalidKey is returned for keys that are empty, absolute, contain "..",
// backslashes or control characters. Keys look like "media/ab/abcdef.jpg".
var ErrInvalidKey = errors.New("blob: invalid key")

// ErrSizeMismatch is returned by Put when the reader yields a different number
// of bytes than the size the caller announced. Nothing is stored.
var ErrSizeMismatch = errors.New("blob: size mismatch")

// DefaultContentType is stored when Put is given an empty content type.
const DefaultContentType = "application/octet-stream"

// Key limits. Segments are capped at 255 bytes because that is the file name
// limit of common file systems: a key must work on every backend, so that
// switching from fs to s3 (or back) never strands an object.
const (
	MaxKeyLen     = 1024
	MaxSegmentLen = 255
)

// ValidKey reports whether key can be used with every Store. The error wraps
// ErrInvalidKey. Keys are "/"-separated; no segment may be empty, "." or "..",
// so a key can never escape the store's root or alias another key.
func ValidKey(key string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, why)
	}
	switch {
	case key == "":
		return bad("empty")
	case len(key) > MaxKeyLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	case !utf8.ValidString(key):
		return bad("not valid UTF-8")
	case strings.HasPrefix(key, "/"):
		return bad("absolute")
	case strings.Contains(key, `\`):
		return bad("contains a backslash")
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return bad("contains a control character")
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return bad("has an empty segment")
		case seg == "." || seg == "..":
			return bad("has a relative segment")
		case len(seg) > MaxSegmentLen:
			return bad(fmt.Sprintf("has a segment longer than %d bytes", MaxSegmentLen))
		}
	}
	return nil
}

// ContentTypeOrDefault returns ct, or DefaultContentType when ct is empty.
func ContentTypeOrDefault(ct string) string {
	if ct == "" {
		return DefaultContentType
	}
	return ct
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	ETag        string // quoted or not, as the backend gives it; stable for the same content
	ModTime     time.Time
}

// Store keeps objects by key. Put of an existing key replaces it; Delete of a
// missing key is not an error (deletes are idempotent).
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	Stat(ctx context.Context, key string) (Info, error)
	Delete(ctx context.Context, key string) error
	// URL is where a browser fetches the object: a path the app serves
	// itself (fs) or a presigned URL valid for a limited time (s3).
	URL(ctx context.Context, key string) (string, error)
	// Ping reports whether the backing storage is reachable and writable.
	Ping(ctx context.Context) error
	// Name names the backend for logs and /readyz ("fs", "s3").
	Name() string
}
