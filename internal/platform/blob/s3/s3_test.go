package s3_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"guildhall/internal/platform/blob"
	"guildhall/internal/platform/blob/blobtest"
	"guildhall/internal/platform/blob/s3"
	"guildhall/internal/platform/blob/s3/miniotest"
)

func newStore(t *testing.T, cfg s3.Config) *s3.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := s3.New(ctx, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestStoreConformance(t *testing.T) {
	srv := miniotest.Start(t)
	blobtest.RunSuite(t, func(t *testing.T) blob.Store { return newStore(t, srv.Config(t)) })
}

func TestStore(t *testing.T) {
	srv := miniotest.Start(t)

	t.Run("a presigned URL downloads the bytes with plain net/http", func(t *testing.T) {
		s := newStore(t, srv.Config(t))
		ctx := t.Context()
		const body = "the bytes a browser would fetch"
		if err := s.Put(ctx, "media/ab/abc.txt", strings.NewReader(body), int64(len(body)), "text/plain"); err != nil {
			t.Fatal(err)
		}
		u, err := s.URL(ctx, "media/ab/abc.txt")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(u, "X-Amz-Signature=") || !strings.Contains(u, "X-Amz-Expires=3600") {
			t.Errorf("URL %q is not presigned for 1h", u)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || string(got) != body {
			t.Errorf("GET presigned URL: %d %q, want 200 %q", resp.StatusCode, got, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
			t.Errorf("Content-Type = %q, want text/plain", ct)
		}
	})

	t.Run("URLExpiry sets the presigned lifetime", func(t *testing.T) {
		cfg := srv.Config(t)
		cfg.URLExpiry = 5 * time.Minute
		s := newStore(t, cfg)
		if err := s.Put(t.Context(), "k", strings.NewReader("x"), 1, ""); err != nil {
			t.Fatal(err)
		}
		u, err := s.URL(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(u, "X-Amz-Expires=300") {
			t.Errorf("URL %q does not expire after 300s", u)
		}
	})

	t.Run("New creates the bucket and is idempotent, also when racing", func(t *testing.T) {
		cfg := srv.Config(t)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				_, err := s3.New(t.Context(), cfg)
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Errorf("concurrent New: %v", err)
			}
		}
		s := newStore(t, cfg)
		if err := s.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("ping fails when the bucket does not exist", func(t *testing.T) {
		s, err := s3.Open(srv.Config(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(t.Context()); err == nil {
			t.Error("Ping succeeded without a bucket")
		}
		if _, err := s.Stat(t.Context(), "k"); err == nil || errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat in a missing bucket: err = %v, want an error other than ErrNotFound", err)
		}
	})

	t.Run("wrong credentials fail New", func(t *testing.T) {
		cfg := srv.Config(t)
		cfg.SecretKey = "not-the-secret"
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if _, err := s3.New(ctx, cfg); err == nil {
			t.Error("New succeeded with a wrong secret key")
		}
	})
}

func TestUnreachableServer(t *testing.T) {
	closedPort := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	// silentServer accepts connections and never answers, like a wedged
	// server or a firewall that swallows packets after the handshake.
	silentServer := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		t.Cleanup(func() { close(done); l.Close() })
		go func() {
			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				conns = append(conns, c)
			}
		}()
		return l.Addr().String()
	}

	for _, tc := range []struct {
		name string
		addr func(t *testing.T) string
	}{
		{"a closed port", closedPort},
		{"a server that never answers", silentServer},
	} {
		t.Run("ping against "+tc.name+" fails within the context deadline", func(t *testing.T) {
			s, err := s3.Open(s3.Config{Endpoint: tc.addr(t), Bucket: "guildhall", AccessKey: "k", SecretKey: "secret-key"})
			if err != nil {
				t.Fatal(err)
			}
			const deadline = 2 * time.Second
			ctx, cancel := context.WithTimeout(t.Context(), deadline)
			defer cancel()
			start := time.Now()
			err = s.Ping(ctx)
			if took := time.Since(start); took > deadline+time.Second {
				t.Errorf("Ping took %s, want at most about %s", took, deadline)
			}
			if !isNetworkFailure(err) {
				t.Errorf("Ping: err = %v, want connection refused or deadline exceeded", err)
			}
		})

		t.Run("New against "+tc.name+" fails within the context deadline", func(t *testing.T) {
			const deadline = 2 * time.Second
			ctx, cancel := context.WithTimeout(t.Context(), deadline)
			defer cancel()
			start := time.Now()
			_, err := s3.New(ctx, s3.Config{Endpoint: tc.addr(t), Bucket: "guildhall", AccessKey: "k", SecretKey: "secret-key"})
			if took := time.Since(start); took > deadline+time.Second {
				t.Errorf("New took %s, want at most about %s", took, deadline)
			}
			if !isNetworkFailure(err) {
				t.Errorf("New: err = %v, want connection refused or deadline exceeded", err)
			}
		})
	}
}

// isNetworkFailure tells a real failure to reach the server from an early
// exit such as a config error, which would make the timing checks vacuous.
func isNetworkFailure(err error) bool {
	return err != nil && (errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "connection refused"))
}

func TestConfig(t *testing.T) {
	t.Run("a missing bucket or endpoint is rejected", func(t *testing.T) {
		if _, err := s3.Open(s3.Config{Endpoint: "localhost:9000"}); err == nil {
			t.Error("Open accepted an empty bucket")
		}
		if _, err := s3.Open(s3.Config{Bucket: "guildhall"}); err == nil {
			t.Error("Open accepted an empty endpoint")
		}
	})

	t.Run("an endpoint URL selects TLS by its scheme", func(t *testing.T) {
		for _, ep := range []string{"http://localhost:9000", "https://s3.example.com", "localhost:9000"} {
			if _, err := s3.Open(s3.Config{Endpoint: ep, Bucket: "guildhall"}); err != nil {
				t.Errorf("Open(%q): %v", ep, err)
			}
		}
		for _, ep := range []string{"ftp://localhost:9000", "http://localhost:9000/path"} {
			if _, err := s3.Open(s3.Config{Endpoint: ep, Bucket: "guildhall"}); err == nil {
				t.Errorf("Open(%q) succeeded", ep)
			}
		}
	})

	t.Run("presigned URLs use the public endpoint when one is set", func(t *testing.T) {
		srv := miniotest.Start(t)
		cfg := srv.Config(t)
		cfg.PublicEndpoint = "https://media.example.com"
		s := newStore(t, cfg)
		if err := s.Put(t.Context(), "k", strings.NewReader("x"), 1, ""); err != nil {
			t.Fatal(err)
		}
		u, err := s.URL(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u, "https://media.example.com/"+cfg.Bucket+"/k?") {
			t.Errorf("URL = %q, want it on https://media.example.com", u)
		}
	})
}
