package fs_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"guildhall/internal/platform/blob"
	"guildhall/internal/platform/blob/blobtest"
	fsblob "guildhall/internal/platform/blob/fs"
)

func newStore(t *testing.T) *fsblob.Store {
	t.Helper()
	s, err := fsblob.New(t.TempDir(), "/media")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestStoreConformance(t *testing.T) {
	blobtest.RunSuite(t, func(t *testing.T) blob.Store { return newStore(t) })
}

func TestCrashedPut(t *testing.T) {
	t.Run("a put whose reader fails half-way leaves no object and no temp file", func(t *testing.T) {
		dir := t.TempDir()
		s, err := fsblob.New(dir, "/media")
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		r := io.MultiReader(strings.NewReader(strings.Repeat("x", 1<<20)), iotest.ErrReader(errors.New("disk on fire")))
		if err := s.Put(ctx, "media/half.bin", r, 2<<20, "application/octet-stream"); err == nil {
			t.Fatal("Put succeeded")
		}
		if _, _, err := s.Get(ctx, "media/half.bin"); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Get after crashed Put: err = %v, want ErrNotFound", err)
		}
		var files []string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if len(files) != 0 {
			t.Errorf("files left behind: %v", files)
		}
	})

	t.Run("an upload abandoned by a dead process is never visible and is cleaned up later", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := fsblob.New(dir, "/media"); err != nil {
			t.Fatal(err)
		}
		// Simulate a process killed mid-write: a partial temp file remains.
		leftover := filepath.Join(dir, "tmp", "put-123")
		if err := os.WriteFile(leftover, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-48 * time.Hour)
		if err := os.Chtimes(leftover, old, old); err != nil {
			t.Fatal(err)
		}
		s, err := fsblob.New(dir, "/media")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale temp file still there (err = %v)", err)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("a truncated object file is reported as corrupt, not served", func(t *testing.T) {
		dir := t.TempDir()
		s, err := fsblob.New(dir, "/media")
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		if err := s.Put(ctx, "a.txt", strings.NewReader("hello"), 5, "text/plain"); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "objects", "a.txt")
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, fi.Size()-3); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, "a.txt"); err == nil || errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat of a truncated file: err = %v, want a corruption error", err)
		}
	})
}

func TestURLAndServing(t *testing.T) {
	t.Run("URL is the prefix plus the escaped key", func(t *testing.T) {
		s, err := fsblob.New(t.TempDir(), "/media/")
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		if err := s.Put(ctx, "a b/c?.jpg", strings.NewReader("x"), 1, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		u, err := s.URL(ctx, "a b/c?.jpg")
		if err != nil {
			t.Fatal(err)
		}
		if want := "/media/a%20b/c%3F.jpg"; u != want {
			t.Errorf("URL = %q, want %q", u, want)
		}
	})

	t.Run("an opened object can be served with ranges by http.ServeContent", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.Put(ctx, "doc.txt", strings.NewReader("0123456789"), 10, "text/plain"); err != nil {
			t.Fatal(err)
		}
		obj, info, err := s.Open(ctx, "doc.txt")
		if err != nil {
			t.Fatal(err)
		}
		defer obj.Close()
		req := httptest.NewRequest(http.MethodGet, "/media/doc.txt", nil)
		req.Header.Set("Range", "bytes=2-4")
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", info.ContentType)
		rec.Header().Set("ETag", `"`+info.ETag+`"`)
		http.ServeContent(rec, req, "doc.txt", info.ModTime, obj)
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "234" {
			t.Errorf("got %d %q, want 206 %q", rec.Code, rec.Body.String(), "234")
		}
	})

	t.Run("a reader keeps its version when the key is overwritten", func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		if err := s.Put(ctx, "k", strings.NewReader("old"), 3, "text/plain"); err != nil {
			t.Fatal(err)
		}
		rc, _, err := s.Get(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if err := s.Put(ctx, "k", strings.NewReader("newer"), 5, "text/plain"); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil || string(b) != "old" {
			t.Errorf("read %q, %v; want %q", b, err, "old")
		}
	})
}

func TestPing(t *testing.T) {
	t.Run("ping fails when the directory is gone", func(t *testing.T) {
		dir := t.TempDir()
		s, err := fsblob.New(dir, "/media")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(t.Context()); err == nil {
			t.Error("Ping succeeded on a removed directory")
		}
	})
}
