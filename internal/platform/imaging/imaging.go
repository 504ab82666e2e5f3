// Package imaging turns an untrusted image upload into metadata-free,
// upright, resized variants ready to be stored under content-addressed keys.
//
// The pipeline is deliberately ordered from cheapest to most expensive check
// (byte cap, content sniffing, declared pixel count, decode) so that hostile
// uploads are refused before they can cost much memory or CPU.
package imaging

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// Sentinel errors; callers map them to HTTP statuses with errors.Is.
var (
	ErrTooLarge      = errors.New("imaging: file too large")         // 413
	ErrUnsupported   = errors.New("imaging: unsupported image type") // 415
	ErrTooManyPixels = errors.New("imaging: too many pixels")        // 422
	ErrCorrupt       = errors.New("imaging: corrupt image")          // 422
)

// Limits bounds what Process accepts. A zero field means "use the default",
// so a zero Limits is safe rather than unlimited.
type Limits struct {
	MaxBytes  int64 // size of the upload
	MaxPixels int64 // width*height as declared by the image header
}

// DefaultLimits fits phone and camera photos with room to spare while keeping
// a decoded bitmap (4 bytes a pixel at worst) around 160 MB.
var DefaultLimits = Limits{MaxBytes: 20 << 20, MaxPixels: 40_000_000}

// Variant asks for an image whose long edge is at most LongEdge pixels.
type Variant struct {
	Name     string
	LongEdge int
}

// DefaultVariants are the sizes the storefront lays out: grid thumbnails,
// product pages and the zoom view.
var DefaultVariants = []Variant{
	{Name: "thumb", LongEdge: 320},
	{Name: "medium", LongEdge: 800},
	{Name: "large", LongEdge: 1600},
}

// Output is one encoded variant. It carries no metadata at all: it was
// re-encoded from pixels, so EXIF (and its GPS block) cannot survive.
type Output struct {
	Name          string
	Width, Height int
	ContentType   string // "image/jpeg" or "image/png"
	Ext           string // ".jpg" or ".png"
	Data          []byte
}

// Result describes a processed upload.
type Result struct {
	SourceType    string // sniffed from content: image/jpeg, image/png, image/webp or image/gif
	SourceSHA256  string // hex digest of the uploaded bytes, for content-addressed keys
	Width, Height int    // upright size, after EXIF orientation
	Variants      []Output
}

// Process reads one upload from r and returns its variants in the order of
// variants. It never reads more than lim.MaxBytes+1 bytes from r.
func Process(r io.Reader, lim Limits, variants []Variant) (*Result, error) {
	lim = lim.withDefaults()
	for _, v := range variants {
		if v.LongEdge <= 0 {
			return nil, fmt.Errorf("imaging: variant %q: long edge %d must be positive", v.Name, v.LongEdge)
		}
	}

	data, err := readCapped(r, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	typ, err := sniff(data)
	if err != nil {
		return nil, err
	}
	if err := checkPixels(data, typ, lim.MaxPixels); err != nil {
		return nil, err
	}
	img, err := decode(data, typ)
	if err != nil {
		return nil, err
	}

	orient := orientNormal
	if typ == typeJPEG {
		orient = jpegOrientation(data)
	}

	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if orient.swapsAxes() {
		w, h = h, w
	}
	sum := sha256.Sum256(data)
	outs, err := makeVariants(img, orient, variants)
	if err != nil {
		return nil, err
	}
	return &Result{
		SourceType:   typ,
		SourceSHA256: hex.EncodeToString(sum[:]),
		Width:        w,
		Height:       h,
		Variants:     outs,
	}, nil
}
