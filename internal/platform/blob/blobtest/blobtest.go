// Package blobtest is the conformance suite every blob.Store must pass, so
// that the fs and s3 backends stay interchangeable.
package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"guildhall/internal/platform/blob"
)

// RunSuite runs the conformance tests. newStore is called once per subtest
// and must return an empty store that is usable until the subtest ends.
func RunSuite(t *testing.T, newStore func(t *testing.T) blob.Store) {
	t.Run("a put object reads back with its bytes, size and content type", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		put(t, s, "media/ab/abcdef.jpg", "jpeg bytes", "image/jpeg")

		got, info := get(t, s, "media/ab/abcdef.jpg")
		if got != "jpeg bytes" {
			t.Errorf("content = %q, want %q", got, "jpeg bytes")
		}
		if info.Key != "media/ab/abcdef.jpg" || info.Size != int64(len("jpeg bytes")) || info.ContentType != "image/jpeg" {
			t.Errorf("info = %+v, want key, size %d and image/jpeg", info, len("jpeg bytes"))
		}
		if info.ETag == "" {
			t.Error("ETag is empty")
		}
		if info.ModTime.IsZero() || time.Since(info.ModTime) > time.Hour || time.Until(info.ModTime) > time.Minute {
			t.Errorf("ModTime = %v, want about now", info.ModTime)
		}
		st, err := s.Stat(ctx, "media/ab/abcdef.jpg")
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if st.Size != info.Size || st.ContentType != info.ContentType || st.ETag != info.ETag {
			t.Errorf("Stat = %+v, Get info = %+v; want the same size, type and ETag", st, info)
		}
	})

	t.Run("an empty content type is stored as application/octet-stream", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		put(t, s, "files/raw", "x", "")
		st, err := s.Stat(ctx, "files/raw")
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if st.ContentType != blob.DefaultContentType {
			t.Errorf("ContentType = %q, want %q", st.ContentType, blob.DefaultContentType)
		}
	})

	t.Run("an empty object round-trips", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "empty", "", "text/plain")
		got, info := get(t, s, "empty")
		if got != "" || info.Size != 0 {
			t.Errorf("got %q (size %d), want empty", got, info.Size)
		}
	})

	t.Run("a put with unknown size stores the whole stream", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		want := randomBytes(t, 100_000)
		// OneByteReader makes sure short reads are not mistaken for EOF.
		if err := s.Put(ctx, "stream.bin", iotest.OneByteReader(bytes.NewReader(want)), -1, "application/x-test"); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, info := get(t, s, "stream.bin")
		if got != string(want) || info.Size != int64(len(want)) {
			t.Errorf("got %d bytes (info size %d), want %d identical bytes", len(got), info.Size, len(want))
		}
	})

	t.Run("putting an existing key replaces its content and content type", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "doc", "first version", "text/plain")
		_, first := get(t, s, "doc")
		put(t, s, "doc", "second, longer version", "text/markdown")
		got, second := get(t, s, "doc")
		if got != "second, longer version" || second.ContentType != "text/markdown" || second.Size != int64(len(got)) {
			t.Errorf("after overwrite got %q %+v", got, second)
		}
		if first.ETag == second.ETag {
			t.Errorf("ETag unchanged (%q) although the content changed", first.ETag)
		}
	})

	t.Run("the same content gives the same ETag", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		put(t, s, "a", "same bytes", "text/plain")
		put(t, s, "b", "same bytes", "text/plain")
		a, errA := s.Stat(ctx, "a")
		b, errB := s.Stat(ctx, "b")
		if errA != nil || errB != nil {
			t.Fatalf("Stat: %v, %v", errA, errB)
		}
		if a.ETag != b.ETag {
			t.Errorf("ETags %q and %q differ for identical content", a.ETag, b.ETag)
		}
	})

	t.Run("deleting removes the object and deleting again is not an error", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		put(t, s, "gone/soon.txt", "bye", "text/plain")
		if err := s.Delete(ctx, "gone/soon.txt"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Stat(ctx, "gone/soon.txt"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after Delete: err = %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "gone/soon.txt"); err != nil {
			t.Errorf("second Delete: %v, want nil", err)
		}
		if err := s.Delete(ctx, "never/existed"); err != nil {
			t.Errorf("Delete of a never-stored key: %v, want nil", err)
		}
	})

	t.Run("a missing key is ErrNotFound", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		put(t, s, "present/x", "x", "text/plain")
		for _, key := range []string{"missing", "present/y", "present", "present/x/below"} {
			if rc, _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				if rc != nil {
					rc.Close()
				}
				t.Errorf("Get(%q): err = %v, want ErrNotFound", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat(%q): err = %v, want ErrNotFound", key, err)
			}
			if _, err := s.URL(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("URL(%q): err = %v, want ErrNotFound", key, err)
			}
		}
	})

	t.Run("keys that extend another key are separate objects", func(t *testing.T) {
		s := newStore(t)
		// Guards against backends that keep metadata or temp files next to
		// the object under a derived name.
		keys := []string{"x/a", "x/a.meta", "x/a.tmp", "x/.a", "x/a~"}
		for _, k := range keys {
			put(t, s, k, "content of "+k, "text/plain")
		}
		for _, k := range keys {
			if got, _ := get(t, s, k); got != "content of "+k {
				t.Errorf("Get(%q) = %q", k, got)
			}
		}
	})

	t.Run("keys with spaces, unicode and URL metacharacters work", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		for _, k := range []string{"a b/c d.txt", "ünï/cødé.png", "q/what?#frag%20&x=y+z.txt", strings.Repeat("s", blob.MaxSegmentLen)} {
			put(t, s, k, k, "text/plain")
			if got, _ := get(t, s, k); got != k {
				t.Errorf("Get(%q) = %q", k, got)
			}
			if u, err := s.URL(ctx, k); err != nil || u == "" {
				t.Errorf("URL(%q) = %q, %v", k, u, err)
			}
		}
	})

	t.Run("invalid keys are rejected with ErrInvalidKey", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		invalid := []string{
			"", "/abs/path", "..", "../up", "a/../b", "a/..", "./a", "a/./b",
			`a\b`, "a//b", "a/", "nul\x00byte", "new\nline", "del\x7f",
			"bad\xffutf8", strings.Repeat("k", blob.MaxKeyLen+1),
			strings.Repeat("s", blob.MaxSegmentLen+1),
		}
		for _, key := range invalid {
			if err := blob.ValidKey(key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("ValidKey(%q) = %v, want ErrInvalidKey", key, err)
			}
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, "text/plain"); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Put(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if rc, _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				if rc != nil {
					rc.Close()
				}
				t.Errorf("Get(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Stat(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if _, err := s.URL(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("URL(%q): err = %v, want ErrInvalidKey", key, err)
			}
		}
		longest := strings.Repeat(strings.Repeat("s", 200)+"/", 5) + strings.Repeat("s", blob.MaxKeyLen-5*201)
		if err := blob.ValidKey(longest); err != nil {
			t.Errorf("ValidKey of a %d-byte key: %v, want nil", len(longest), err)
		}
		put(t, s, longest, "long", "text/plain")
	})

	t.Run("a size mismatch fails the put and stores nothing", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			content string
			size    int64
		}{
			{"shorter than announced", "12345", 10},
			{"longer than announced", "1234567890", 5},
			{"longer than an announced zero", "1", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, ctx := newStore(t), testContext(t)
				err := s.Put(ctx, "new", strings.NewReader(tc.content), tc.size, "text/plain")
				if !errors.Is(err, blob.ErrSizeMismatch) {
					t.Errorf("Put of a new key: err = %v, want ErrSizeMismatch", err)
				}
				if _, err := s.Stat(ctx, "new"); !errors.Is(err, blob.ErrNotFound) {
					t.Errorf("Stat after failed Put: err = %v, want ErrNotFound", err)
				}

				put(t, s, "old", "previous", "text/plain")
				err = s.Put(ctx, "old", strings.NewReader(tc.content), tc.size, "text/html")
				if !errors.Is(err, blob.ErrSizeMismatch) {
					t.Errorf("Put over an existing key: err = %v, want ErrSizeMismatch", err)
				}
				if got, info := get(t, s, "old"); got != "previous" || info.ContentType != "text/plain" {
					t.Errorf("after failed overwrite got %q %q, want the previous object intact", got, info.ContentType)
				}
			})
		}
	})

	t.Run("a reader that fails half-way stores nothing", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		boom := errors.New("boom")
		r := io.MultiReader(strings.NewReader(strings.Repeat("x", 64<<10)), iotest.ErrReader(boom))
		if err := s.Put(ctx, "broken", r, 128<<10, "text/plain"); err == nil {
			t.Fatal("Put succeeded with a failing reader")
		}
		if _, err := s.Stat(ctx, "broken"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after failed Put: err = %v, want ErrNotFound", err)
		}
		r = io.MultiReader(strings.NewReader(strings.Repeat("x", 64<<10)), iotest.ErrReader(boom))
		if err := s.Put(ctx, "broken", r, -1, "text/plain"); err == nil {
			t.Fatal("Put of unknown size succeeded with a failing reader")
		}
		if _, err := s.Stat(ctx, "broken"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after failed Put of unknown size: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("a 5 MiB object round-trips intact", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		want := randomBytes(t, 5<<20)
		if err := s.Put(ctx, "big/object.bin", bytes.NewReader(want), int64(len(want)), "application/octet-stream"); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, info := get(t, s, "big/object.bin")
		if info.Size != int64(len(want)) || !bytes.Equal([]byte(got), want) {
			t.Errorf("got %d bytes (info size %d), want the %d bytes put", len(got), info.Size, len(want))
		}
	})

	t.Run("concurrent puts to different keys all land", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				body := strings.Repeat(fmt.Sprint(i), 1000+i)
				errs[i] = s.Put(ctx, fmt.Sprintf("many/%02d", i), strings.NewReader(body), int64(len(body)), "text/plain")
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Put %d: %v", i, err)
			}
		}
		for i := range n {
			if got, _ := get(t, s, fmt.Sprintf("many/%02d", i)); got != strings.Repeat(fmt.Sprint(i), 1000+i) {
				t.Errorf("object %d has wrong content (%d bytes)", i, len(got))
			}
		}
	})

	t.Run("concurrent puts to one key leave one complete version", func(t *testing.T) {
		s := newStore(t)
		ctx := testContext(t)
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				body := strings.Repeat(fmt.Sprint(i), 20_000)
				if err := s.Put(ctx, "contended", strings.NewReader(body), int64(len(body)), "text/plain"); err != nil {
					t.Errorf("Put %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		got, _ := get(t, s, "contended")
		if len(got) != 20_000 || strings.Trim(got, got[:1]) != "" {
			t.Errorf("object is a mix of versions or truncated (%d bytes)", len(got))
		}
	})

	t.Run("URL of a stored object is non-empty", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		put(t, s, "media/ab/abcdef.jpg", "jpeg", "image/jpeg")
		u, err := s.URL(ctx, "media/ab/abcdef.jpg")
		if err != nil || u == "" {
			t.Errorf("URL = %q, %v; want a non-empty URL", u, err)
		}
	})

	t.Run("ping succeeds and the backend has a name", func(t *testing.T) {
		s, ctx := newStore(t), testContext(t)
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if s.Name() == "" {
			t.Error("Name is empty")
		}
	})

	t.Run("a cancelled context makes every call fail", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "exists", "x", "text/plain")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Put(ctx, "new", strings.NewReader("x"), 1, "text/plain"); err == nil {
			t.Error("Put succeeded with a cancelled context")
		}
		if rc, _, err := s.Get(ctx, "exists"); err == nil {
			rc.Close()
			t.Error("Get succeeded with a cancelled context")
		}
		if _, err := s.Stat(ctx, "exists"); err == nil {
			t.Error("Stat succeeded with a cancelled context")
		}
		if err := s.Delete(ctx, "exists"); err == nil {
			t.Error("Delete succeeded with a cancelled context")
		}
		if _, err := s.URL(ctx, "exists"); err == nil {
			t.Error("URL succeeded with a cancelled context")
		}
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping succeeded with a cancelled context")
		}
		if _, err := s.Stat(testContext(t), "new"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("object put with a cancelled context exists (Stat err = %v)", err)
		}
		if _, err := s.Stat(testContext(t), "exists"); err != nil {
			t.Errorf("object deleted with a cancelled context is gone (Stat err = %v)", err)
		}
	})

	t.Run("a context cancelled during a put stops it and stores nothing", func(t *testing.T) {
		s := newStore(t)
		ctx, cancel := context.WithCancel(testContext(t))
		defer cancel()
		// The reader cancels the context after the first chunk, as a client
		// hanging up mid-upload would.
		r := &cancelAfter{r: bytes.NewReader(randomBytes(t, 1<<20)), after: 64 << 10, cancel: cancel}
		if err := s.Put(ctx, "aborted", r, 1<<20, "application/octet-stream"); err == nil {
			t.Fatal("Put succeeded although its context was cancelled mid-way")
		}
		if _, err := s.Stat(testContext(t), "aborted"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat after aborted Put: err = %v, want ErrNotFound", err)
		}
	})
}

type cancelAfter struct {
	r      io.Reader
	after  int
	read   int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.read >= c.after {
		c.cancel()
	}
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

// testContext bounds every call so a hanging backend fails the test instead
// of stalling the run until the global timeout.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, s blob.Store, key, content, contentType string) {
	t.Helper()
	if err := s.Put(testContext(t), key, strings.NewReader(content), int64(len(content)), contentType); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func get(t *testing.T, s blob.Store, key string) (string, blob.Info) {
	t.Helper()
	rc, info, err := s.Get(testContext(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return string(b), info
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
