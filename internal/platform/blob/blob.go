// Package blob stores images and files. The Store interface has two
// implementations: a folder on disk (fs, the embedded default) and S3/MinIO (s3).
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned by Get, Stat and URL when no object has the key.
var ErrNotFound = errors.New("blob: not found")

// ErrInvalidKey is returned for keys that are empty, absolute, contain "..",
// backslashes or control characters. Keys look like "media/ab/abcdef.jpg".
var ErrInvalidKey = errors.New("blob: invalid key")

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
