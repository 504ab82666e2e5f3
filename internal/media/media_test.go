package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"testing"
	"time"

	"guildhall/internal/platform/blob"
	fsblob "guildhall/internal/platform/blob/fs"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/problem"
)

func mustOpen(t *testing.T) (*Service, blob.Store) {
	t.Helper()
	store, err := fsblob.New(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	return New(mongodbtest.MustOpen(t).Database, Deps{Store: store}, Options{Logger: slog.New(slog.DiscardHandler)}), store
}

func pngBytes(t *testing.T, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAnUploadNeverAttachedIsRemovedAfterADay(t *testing.T) {
	s, store := mustOpen(t)
	ctx := context.Background()
	kept, err := s.Upload(ctx, "u1", bytes.NewReader(pngBytes(t, color.RGBA{255, 0, 0, 255})))
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := s.Upload(ctx, "u1", bytes.NewReader(pngBytes(t, color.RGBA{0, 0, 255, 255})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attach(ctx, "u1", "media_ids", []string{kept.ID}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Clean(ctx); err != nil || n != 0 {
		t.Fatalf("a fresh upload was cleaned: %d %v", n, err)
	}
	s.now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	if n, err := s.Clean(ctx); err != nil || n != 1 {
		t.Fatalf("cleaned %d (%v), want the one unattached upload", n, err)
	}
	if _, err := store.Stat(ctx, dropped.Variants["thumb"].Key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("the unattached upload's blob is still there: %v", err)
	}
	if _, err := store.Stat(ctx, kept.Variants["thumb"].Key); err != nil {
		t.Fatalf("the attached upload's blob is gone: %v", err)
	}
	if _, err := s.Attach(ctx, "u1", "media_ids", []string{dropped.ID}); problem.KindOf(err) != problem.KindInvalid {
		t.Fatalf("attaching a cleaned upload: %v", err)
	}
}

func TestOnlyTheUploaderMayAttachAnImage(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	m, err := s.Upload(ctx, "owner", bytes.NewReader(pngBytes(t, color.White)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attach(ctx, "someone_else", "media_ids", []string{m.ID}); problem.KindOf(err) != problem.KindInvalid {
		t.Fatalf("want a field error, got %v", err)
	}
	// Uploading the same file makes the second person an owner too.
	if _, err := s.Upload(ctx, "someone_else", bytes.NewReader(pngBytes(t, color.White))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attach(ctx, "someone_else", "media_ids", []string{m.ID}); err != nil {
		t.Fatalf("after uploading it: %v", err)
	}
}
