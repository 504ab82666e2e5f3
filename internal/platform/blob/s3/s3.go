// Package s3 is the blob.Store for S3-compatible servers (MinIO, AWS S3),
// built on minio-go.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"guildhall/internal/platform/blob"
)

// DefaultURLExpiry is how long presigned URLs stay valid when
// Config.URLExpiry is zero.
const DefaultURLExpiry = time.Hour

// maxURLExpiry is the SigV4 limit; longer presigns are rejected by S3.
const maxURLExpiry = 7 * 24 * time.Hour

// defaultRegion is used when none is configured. Setting one avoids a
// GetBucketLocation round trip before the first request and lets presigning
// work without any network access.
const defaultRegion = "us-east-1"

// Config locates a bucket.
type Config struct {
	// Endpoint is "host:port", or a URL whose scheme then decides TLS.
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // default us-east-1
	UseTLS    bool
	// URLExpiry is the lifetime of presigned URLs (default 1h, max 7 days).
	URLExpiry time.Duration
	// PublicEndpoint, if set, is the host browsers use for presigned URLs
	// when it differs from Endpoint (e.g. "minio:9000" inside
	// docker-compose versus "localhost:9000" outside). The signature covers
	// the host, so URLs must be signed for the public one. Same syntax as
	// Endpoint; TLS follows UseTLS unless a scheme is given.
	PublicEndpoint string
}

// Store is a blob.Store backed by one S3 bucket.
type Store struct {
	client  *minio.Client
	presign *minio.Client
	bucket  string
	region  string
	expiry  time.Duration
}

var _ blob.Store = (*Store)(nil)

// New connects to the bucket, creating it if it does not exist yet.
func New(ctx context.Context, cfg Config) (*Store, error) {
	s, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.EnsureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Open builds a Store without touching the network: the app can start while
// S3 is briefly unreachable and report it through Ping. Use New (or
// EnsureBucket) when the bucket may not exist.
func Open(cfg Config) (*Store, error) {
	if err := s3utils.CheckValidBucketNameStrict(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("blob s3: bucket %q: %w", cfg.Bucket, err)
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	expiry := cfg.URLExpiry
	if expiry == 0 {
		expiry = DefaultURLExpiry
	}
	if expiry < time.Second || expiry > maxURLExpiry {
		return nil, fmt.Errorf("blob s3: URL expiry %s out of range [1s, %s]", expiry, maxURLExpiry)
	}
	client, err := newClient(cfg, cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	presign := client
	if cfg.PublicEndpoint != "" {
		if presign, err = newClient(cfg, cfg.PublicEndpoint); err != nil {
			return nil, err
		}
	}
	return &Store{client: client, presign: presign, bucket: cfg.Bucket, region: cfg.Region, expiry: expiry}, nil
}

func newClient(cfg Config, endpoint string) (*minio.Client, error) {
	host, secure, err := parseEndpoint(endpoint, cfg.UseTLS)
	if err != nil {
		return nil, err
	}
	c, err := minio.New(host, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    secure,
		Region:    cfg.Region,
		Transport: newTransport(),
		// minio-go retries 10 times by default; a few are enough to ride
		// out a restart without stalling callers that set no deadline.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("blob s3: %w", err)
	}
	return c, nil
}

func parseEndpoint(endpoint string, useTLS bool) (host string, secure bool, err error) {
	if endpoint == "" {
		return "", false, errors.New("blob s3: empty endpoint")
	}
	if !strings.Contains(endpoint, "://") {
		return endpoint, useTLS, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", false, fmt.Errorf("blob s3: endpoint: %w", err)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") {
		return "", false, fmt.Errorf("blob s3: endpoint %q must be host:port or scheme://host:port", endpoint)
	}
	switch u.Scheme {
	case "http":
		return u.Host, false, nil
	case "https":
		return u.Host, true, nil
	}
	return "", false, fmt.Errorf("blob s3: endpoint %q: unsupported scheme", endpoint)
}

// newTransport bounds every phase that has no natural end of its own, so a
// dead or wedged server fails calls instead of hanging them when the caller
// set no deadline. There is deliberately no total timeout: large bodies take
// as long as they take, and callers bound those with ctx.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		// Objects are stored as given; transparent gzip decoding would
		// corrupt ones stored with Content-Encoding: gzip.
		DisableCompression: true,
	}
}

// EnsureBucket creates the bucket unless it exists. Safe to call
// concurrently from several app instances.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("ensure bucket %s: %w", s.bucket, err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region})
	if err != nil && errorCode(err) != "BucketAlreadyOwnedByYou" {
		return fmt.Errorf("ensure bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Name implements blob.Store.
func (s *Store) Name() string { return "s3" }

// Bucket returns the bucket name.
func (s *Store) Bucket() string { return s.bucket }

// Put implements blob.Store. S3 only makes an object visible when its upload
// completes, so a failed Put leaves any previous object untouched.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := s.put(ctx, key, r, size, contentType); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	opts := minio.PutObjectOptions{ContentType: blob.ContentTypeOrDefault(contentType)}
	if size < 0 {
		_, err := s.client.PutObject(ctx, s.bucket, key, r, -1, opts)
		return err
	}
	if size == 0 {
		// minio-go may never read an empty body, so check for excess here.
		var probe [1]byte
		if n, err := io.ReadFull(r, probe[:]); n > 0 {
			return fmt.Errorf("%w: reader has more than 0 bytes", blob.ErrSizeMismatch)
		} else if !errors.Is(err, io.EOF) {
			return err
		}
	}
	sr := &exactReader{r: r, remaining: size, want: size}
	_, err := s.client.PutObject(ctx, s.bucket, key, sr, size, opts)
	// minio-go may report a failing body only as a broken request; the
	// mismatch recorded by the reader is the real cause.
	if sr.err != nil {
		return sr.err
	}
	return err
}

// exactReader fails unless r yields exactly want bytes. It looks for excess
// bytes as soon as want have been read, because minio-go stops reading at
// the announced size and would otherwise store a silently truncated object.
type exactReader struct {
	r         io.Reader
	remaining int64
	want      int64
	err       error
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.remaining {
		p = p[:e.remaining]
	}
	n, err := e.r.Read(p)
	e.remaining -= int64(n)
	if e.remaining > 0 {
		if errors.Is(err, io.EOF) {
			e.err = fmt.Errorf("%w: got %d bytes, want %d", blob.ErrSizeMismatch, e.want-e.remaining, e.want)
			return n, e.err
		}
		return n, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, err
	}
	var probe [1]byte
	m, perr := io.ReadFull(e.r, probe[:])
	switch {
	case m > 0:
		e.err = fmt.Errorf("%w: reader has more than %d bytes", blob.ErrSizeMismatch, e.want)
		return n, e.err
	case errors.Is(perr, io.EOF):
		return n, io.EOF
	default:
		return n, perr
	}
}

// Get implements blob.Store. The object is requested before Get returns, so
// a missing key is reported here rather than on the first Read, and the Info
// comes from the same response as the bytes.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, mapErr(err))
	}
	oi, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, mapErr(err))
	}
	return obj, toInfo(key, oi), nil
}

// Stat implements blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	info, err := s.stat(ctx, key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return info, nil
}

func (s *Store) stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return blob.Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, mapErr(err)
	}
	return toInfo(key, oi), nil
}

func toInfo(key string, oi minio.ObjectInfo) blob.Info {
	return blob.Info{
		Key:         key,
		Size:        oi.Size,
		ContentType: oi.ContentType,
		ETag:        oi.ETag,
		ModTime:     oi.LastModified,
	}
}

// Delete implements blob.Store. S3 already treats deleting a missing key as
// success.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidKey(key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(mapErr(err), blob.ErrNotFound) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// URL implements blob.Store with a presigned GET. Signing is local, but the
// blob.Store contract promises ErrNotFound for a missing key, which costs one
// HEAD request.
func (s *Store) URL(ctx context.Context, key string) (string, error) {
	if _, err := s.stat(ctx, key); err != nil {
		return "", fmt.Errorf("url %s: %w", key, err)
	}
	u, err := s.presign.PresignedGetObject(ctx, s.bucket, key, s.expiry, nil)
	if err != nil {
		return "", fmt.Errorf("url %s: %w", key, err)
	}
	return u.String(), nil
}

// Ping implements blob.Store: the server answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if !ok {
		return fmt.Errorf("ping: bucket %s does not exist", s.bucket)
	}
	return nil
}

func errorCode(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

// mapErr turns a missing object into blob.ErrNotFound. A missing bucket is
// deliberately not mapped: it is a deployment fault, not an absent object.
func mapErr(err error) error {
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		return err
	}
	if er.Code == "NoSuchKey" || (er.StatusCode == http.StatusNotFound && er.Code != "NoSuchBucket") {
		return fmt.Errorf("%w (%s)", blob.ErrNotFound, er.Code)
	}
	return err
}
