//go:build unix

// Package miniotest gives tests an S3 server: the one named by
// GUILDHALL_TEST_S3_ENDPOINT (with GUILDHALL_TEST_S3_ACCESS_KEY and
// GUILDHALL_TEST_S3_SECRET_KEY), or else a MinIO process of its own.
//
// A missing MinIO binary fails the test rather than skipping it: a skipped
// storage suite looks green in CI while testing nothing.
//
// Each started server belongs to the test that called Start and is killed by
// that test's cleanup, so its lifetime is always well defined. To share one
// server among subtests, call Start once in the parent test and Config in
// each subtest: every Config names a fresh bucket.
package miniotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"guildhall/internal/platform/blob/s3"
	"guildhall/internal/testrig/serverproc"
)

// Environment variables read by Start.
const (
	EnvEndpoint  = "GUILDHALL_TEST_S3_ENDPOINT"
	EnvAccessKey = "GUILDHALL_TEST_S3_ACCESS_KEY"
	EnvSecretKey = "GUILDHALL_TEST_S3_SECRET_KEY"
	EnvMinIOBin  = "GUILDHALL_TEST_MINIO_BIN"
)

const (
	readyTimeout = 30 * time.Second
	// startAttempts covers the small window in which another process can
	// take a port between freePort closing it and MinIO binding it.
	startAttempts = 3
	installHint   = "run ./scripts/test.sh, or go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
)

// Server is a reachable S3 endpoint with root credentials.
type Server struct {
	Endpoint  string // host:port, or a URL when given so by the environment
	AccessKey string
	SecretKey string
	// external servers outlive the test, so buckets made on them are removed
	// at cleanup; a server of our own is discarded whole.
	external bool
}

// MustStart returns a config for a fresh bucket on a new or external server.
// The bucket is not created; s3.New does that.
func MustStart(tb testing.TB) s3.Config {
	tb.Helper()
	return Start(tb).Config(tb)
}

// Start returns the external server if configured, else starts MinIO and
// registers its shutdown with tb.Cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if ep := os.Getenv(EnvEndpoint); ep != "" {
		ak, sk := os.Getenv(EnvAccessKey), os.Getenv(EnvSecretKey)
		if ak == "" || sk == "" {
			tb.Fatalf("miniotest: %s is set but %s or %s is empty", EnvEndpoint, EnvAccessKey, EnvSecretKey)
		}
		return &Server{Endpoint: ep, AccessKey: ak, SecretKey: sk, external: true}
	}
	bin := serverproc.Binary(tb, EnvMinIOBin, "minio", installHint)
	var lastErr error
	for range startAttempts {
		srv, err := startProcess(tb, bin)
		if err == nil {
			return srv
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	tb.Fatalf("miniotest: %v", lastErr)
	return nil
}

// Config returns a config for a bucket name no other call has used. On an
// external server the bucket and its objects are removed at cleanup.
func (s *Server) Config(tb testing.TB) s3.Config {
	tb.Helper()
	cfg := s3.Config{
		Endpoint:  s.Endpoint,
		Bucket:    "guildhall-test-" + randomHex(tb, 8),
		AccessKey: s.AccessKey,
		SecretKey: s.SecretKey,
	}
	if s.external {
		tb.Cleanup(func() { removeBucket(tb, cfg) })
	}
	return cfg
}

var errPortTaken = errors.New("port already in use")

func startProcess(tb testing.TB, bin string) (*Server, error) {
	tb.Helper()
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	consoleAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	user, pass := "test-"+randomHex(tb, 6), randomHex(tb, 16)
	p, err := serverproc.Start(tb, bin, []string{"server", tb.TempDir(), "--address", addr, "--console-address", consoleAddr},
		[]string{"MINIO_ROOT_USER=" + user, "MINIO_ROOT_PASSWORD=" + pass})
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: time.Second}
	if err := p.WaitReady(readyTimeout, func() bool {
		resp, err := client.Get("http://" + addr + "/minio/health/live")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}); err != nil {
		if strings.Contains(p.Output(), "address already in use") {
			err = fmt.Errorf("%w: %w", errPortTaken, err)
		}
		return nil, fmt.Errorf("minio at %s: %w", addr, err)
	}
	return &Server{Endpoint: addr, AccessKey: user, SecretKey: pass}, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(tb testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("miniotest: %v", err)
	}
	return hex.EncodeToString(b)
}

// removeBucket empties and deletes a bucket on an external server. Failures
// are logged, not fatal: leftovers cost space but do not break later runs,
// which always use fresh bucket names.
func removeBucket(tb testing.TB, cfg s3.Config) {
	host, secure := cfg.Endpoint, cfg.UseTLS
	if h, ok := strings.CutPrefix(host, "https://"); ok {
		host, secure = h, true
	} else if h, ok := strings.CutPrefix(host, "http://"); ok {
		host, secure = h, false
	}
	host = strings.TrimSuffix(host, "/")
	c, err := minio.New(host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: secure,
	})
	if err != nil {
		tb.Logf("miniotest: remove bucket %s: %v", cfg.Bucket, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ok, err := c.BucketExists(ctx, cfg.Bucket); err != nil || !ok {
		return
	}
	objs := c.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Recursive: true})
	for res := range c.RemoveObjects(ctx, cfg.Bucket, objs, minio.RemoveObjectsOptions{}) {
		tb.Logf("miniotest: remove %s/%s: %v", cfg.Bucket, res.ObjectName, res.Err)
	}
	if err := c.RemoveBucket(ctx, cfg.Bucket); err != nil {
		tb.Logf("miniotest: remove bucket %s: %v", cfg.Bucket, err)
	}
}
