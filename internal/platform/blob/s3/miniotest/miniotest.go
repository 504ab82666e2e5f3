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
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"guildhall/internal/platform/blob/s3"
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
	bin := findBinary(tb)
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

func findBinary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv(EnvMinIOBin); p != "" {
		if !isExecutable(p) {
			tb.Fatalf("miniotest: %s=%s is not an executable file; %s", EnvMinIOBin, p, installHint)
		}
		return p
	}
	var candidates []string
	if root, err := moduleRoot(); err == nil {
		candidates = append(candidates, filepath.Join(root, ".cache", "bin", "minio"))
	}
	if p, err := exec.LookPath("minio"); err == nil {
		candidates = append(candidates, p)
	}
	// Where the suggested go install puts it, even if that is not on PATH.
	if gp := build.Default.GOPATH; gp != "" {
		candidates = append(candidates, filepath.Join(strings.Split(gp, string(os.PathListSeparator))[0], "bin", "minio"))
	}
	for _, p := range candidates {
		if isExecutable(p) {
			return p
		}
	}
	tb.Fatalf("miniotest: no minio binary found (looked at $%s, %s); %s",
		EnvMinIOBin, strings.Join(candidates, ", "), installHint)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// moduleRoot walks up from the working directory (the package directory
// under go test) to the nearest go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
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

	out := &syncBuffer{}
	cmd := exec.Command(bin, "server", tb.TempDir(),
		"--address", addr, "--console-address", consoleAddr)
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+user,
		"MINIO_ROOT_PASSWORD="+pass,
	)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	// Registered after TempDir, so it runs first: the process is gone
	// before its data directory is removed.
	tb.Cleanup(func() {
		// The negative pid addresses the group Setpgid created, which
		// includes any children MinIO started.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	if err := waitReady(addr, exited); err != nil {
		output := out.String()
		if strings.Contains(output, "address already in use") {
			err = fmt.Errorf("%w: %w", errPortTaken, err)
		}
		return nil, fmt.Errorf("minio at %s: %w\n--- minio output ---\n%s", addr, err, output)
	}
	return &Server{Endpoint: addr, AccessKey: user, SecretKey: pass}, nil
}

func waitReady(addr string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	health := "http://" + addr + "/minio/health/live"
	deadline := time.After(readyTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := client.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("exited before becoming ready")
		case <-deadline:
			return fmt.Errorf("not ready after %s", readyTimeout)
		case <-tick.C:
		}
	}
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

// syncBuffer collects the server's output; the exec package writes to it
// from its own goroutines while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
