// Package fs is the embedded blob.Store: objects are files in a folder.
//
// Each object is one file holding the content followed by a small trailer
// (JSON metadata, its length and a magic number). Content, content type and
// ETag therefore change together in a single rename: a crash can never pair
// new bytes with old metadata, which a separate sidecar file could.
//
// Layout under the root dir:
//
//	objects/<key>   committed objects
//	tmp/            uploads in progress; renamed into objects/ when complete
package fs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"guildhall/internal/platform/blob"
)

const (
	// magic ends every object file; it tells a committed object from a
	// foreign or truncated file.
	magic      = "GHBLOB\x00\x01"
	trailerLen = 8 + len(magic) // meta length (uint64 BE) + magic
	// maxMetaLen bounds the allocation when reading a damaged trailer.
	maxMetaLen = 64 << 10

	// staleTmpAge is how old an upload in tmp/ must be before New deletes it.
	// Generous, because another process may share the dir and still be writing.
	staleTmpAge = 24 * time.Hour

	dirPerm = 0o750
	objPerm = 0o640
)

// Store is a blob.Store backed by a local directory.
type Store struct {
	objects   string
	tmp       string
	urlPrefix string
}

var _ blob.Store = (*Store)(nil)

type meta struct {
	ContentType string    `json:"type"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ModTime     time.Time `json:"mtime"`
}

// New opens (creating if needed) a store rooted at dir. URL returns
// urlPrefix + "/" + key; the app is expected to serve that path.
func New(dir, urlPrefix string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blob fs: empty dir")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob fs: %w", err)
	}
	s := &Store{
		objects:   filepath.Join(abs, "objects"),
		tmp:       filepath.Join(abs, "tmp"),
		urlPrefix: strings.TrimRight(urlPrefix, "/"),
	}
	for _, d := range []string{s.objects, s.tmp} {
		if err := os.MkdirAll(d, dirPerm); err != nil {
			return nil, fmt.Errorf("blob fs: %w", err)
		}
	}
	s.removeStaleTmp(time.Now().Add(-staleTmpAge))
	return s, nil
}

// removeStaleTmp deletes uploads abandoned by a crash. Failures are ignored:
// leftovers waste space but are never visible as objects.
func (s *Store) removeStaleTmp(before time.Time) {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && info.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(s.tmp, e.Name()))
		}
	}
}

// Name implements blob.Store.
func (s *Store) Name() string { return "fs" }

func (s *Store) path(key string) string {
	return filepath.Join(s.objects, filepath.FromSlash(key))
}

// Put implements blob.Store. The object becomes visible only once fully
// written and synced; on any error the previous object (if any) is untouched.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := s.put(ctx, key, r, size, contentType); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.tmp, "put-*")
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()

	h := sha256.New()
	w := io.MultiWriter(f, h)
	src := ctxReader{ctx: ctx, r: r}
	var n int64
	if size >= 0 {
		n, err = io.CopyN(w, src, size)
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: got %d bytes, want %d", blob.ErrSizeMismatch, n, size)
		}
		if err != nil {
			return err
		}
		var probe [1]byte
		m, err := io.ReadFull(src, probe[:])
		if m > 0 {
			return fmt.Errorf("%w: reader has more than %d bytes", blob.ErrSizeMismatch, size)
		}
		if !errors.Is(err, io.EOF) {
			return err
		}
	} else {
		if n, err = io.Copy(w, src); err != nil {
			return err
		}
	}

	m := meta{
		ContentType: blob.ContentTypeOrDefault(contentType),
		SHA256:      hex.EncodeToString(h.Sum(nil)),
		Size:        n,
		ModTime:     time.Now().UTC(),
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return err
	}
	trailer := make([]byte, 0, len(mb)+trailerLen)
	trailer = append(trailer, mb...)
	trailer = binary.BigEndian.AppendUint64(trailer, uint64(len(mb)))
	trailer = append(trailer, magic...)
	if _, err := f.Write(trailer); err != nil {
		return err
	}
	if err := f.Chmod(objPerm); err != nil {
		return err
	}
	// Sync before rename: otherwise a power loss can leave the new name
	// pointing at a file whose data never reached the disk.
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dst := s.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), dirPerm); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		return err
	}
	committed = true
	// Persist the rename itself. The object is already visible, so a failure
	// here is reported but nothing is rolled back.
	return syncDir(filepath.Dir(dst))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// ctxReader stops a long copy once the caller has given up.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Object is an open stored object. It is an io.ReadSeeker over the content
// only, so it can be handed to http.ServeContent. It keeps reading the
// version it opened even if the key is overwritten or deleted meanwhile.
type Object struct {
	*io.SectionReader
	f *os.File
}

// Close releases the underlying file.
func (o *Object) Close() error { return o.f.Close() }

// Open returns the object for key with its metadata. The caller must Close it.
func (s *Store) Open(ctx context.Context, key string) (*Object, blob.Info, error) {
	o, info, err := s.open(ctx, key)
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("open %s: %w", key, err)
	}
	return o, info, nil
}

// Get implements blob.Store. The returned reader is an *Object.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	o, info, err := s.open(ctx, key)
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, err)
	}
	return o, info, nil
}

func (s *Store) open(ctx context.Context, key string) (*Object, blob.Info, error) {
	if err := blob.ValidKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, blob.Info{}, err
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, blob.Info{}, mapNotFound(err)
	}
	info, err := readInfo(f, key)
	if err != nil {
		_ = f.Close()
		return nil, blob.Info{}, err
	}
	return &Object{SectionReader: io.NewSectionReader(f, 0, info.Size), f: f}, info, nil
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
	f, err := os.Open(s.path(key))
	if err != nil {
		return blob.Info{}, mapNotFound(err)
	}
	defer f.Close()
	return readInfo(f, key)
}

// readInfo decodes the trailer of an object file.
func readInfo(f *os.File, key string) (blob.Info, error) {
	fi, err := f.Stat()
	if err != nil {
		return blob.Info{}, err
	}
	// A directory is where a longer key lives ("a" for "a/b"); to callers
	// that is simply no object.
	if !fi.Mode().IsRegular() {
		return blob.Info{}, blob.ErrNotFound
	}
	total := fi.Size()
	if total < int64(trailerLen) {
		return blob.Info{}, fmt.Errorf("corrupt object file %s: too short", f.Name())
	}
	var tr [trailerLen]byte
	if _, err := f.ReadAt(tr[:], total-int64(trailerLen)); err != nil {
		return blob.Info{}, err
	}
	if !bytes.Equal(tr[8:], []byte(magic)) {
		return blob.Info{}, fmt.Errorf("corrupt object file %s: bad magic", f.Name())
	}
	mlen := binary.BigEndian.Uint64(tr[:8])
	if mlen > maxMetaLen || int64(mlen) > total-int64(trailerLen) {
		return blob.Info{}, fmt.Errorf("corrupt object file %s: bad metadata length", f.Name())
	}
	mb := make([]byte, mlen)
	if _, err := f.ReadAt(mb, total-int64(trailerLen)-int64(mlen)); err != nil {
		return blob.Info{}, err
	}
	var m meta
	if err := json.Unmarshal(mb, &m); err != nil {
		return blob.Info{}, fmt.Errorf("corrupt object file %s: %w", f.Name(), err)
	}
	if m.Size != total-int64(trailerLen)-int64(mlen) {
		return blob.Info{}, fmt.Errorf("corrupt object file %s: size mismatch", f.Name())
	}
	return blob.Info{
		Key:         key,
		Size:        m.Size,
		ContentType: m.ContentType,
		ETag:        m.SHA256,
		ModTime:     m.ModTime,
	}, nil
}

// mapNotFound turns "no such file" and "a parent is a file, not a dir"
// (key "a/b" when "a" is an object) into blob.ErrNotFound.
func mapNotFound(err error) error {
	if errors.Is(err, iofs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return blob.ErrNotFound
	}
	return err
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.delete(ctx, key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

func (s *Store) delete(ctx context.Context, key string) error {
	if err := blob.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	p := s.path(key)
	fi, err := os.Lstat(p)
	if err != nil {
		if errors.Is(mapNotFound(err), blob.ErrNotFound) {
			return nil
		}
		return err
	}
	// A directory holds other keys; it is not the object named key.
	if fi.IsDir() {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return err
	}
	return nil
}

// URL implements blob.Store. It checks that the object exists so that
// callers get the same ErrNotFound contract as from the s3 store.
func (s *Store) URL(ctx context.Context, key string) (string, error) {
	if _, err := s.stat(ctx, key); err != nil {
		return "", fmt.Errorf("url %s: %w", key, err)
	}
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return s.urlPrefix + "/" + strings.Join(segs, "/"), nil
}

// Ping implements blob.Store by creating and removing a file, which proves
// the directory exists and is writable.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if fi, err := os.Stat(s.objects); err != nil {
		return fmt.Errorf("ping: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("ping: %s is not a directory", s.objects)
	}
	f, err := os.CreateTemp(s.tmp, "ping-*")
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	name := f.Name()
	_, werr := f.Write([]byte("ping"))
	cerr := f.Close()
	rerr := os.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}
