package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

const (
	typeJPEG = "image/jpeg"
	typePNG  = "image/png"
	typeGIF  = "image/gif"
	typeWebP = "image/webp"
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultLimits.MaxPixels
	}
	return l
}

// readCapped reads one byte past the cap so that a body of exactly MaxBytes
// is accepted while anything longer is detected without buffering it.
func readCapped(r io.Reader, maxBytes int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("imaging: read upload: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxBytes)
	}
	return data, nil
}

// sniff identifies the format from magic bytes only: file names and
// client-supplied Content-Type headers are attacker-controlled. The
// signatures are the ones http.DetectContentType uses for these four types,
// checked here directly to keep net/http out of the package.
func sniff(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return typeJPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1A\n")):
		return typePNG, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return typeGIF, nil
	case len(data) >= 14 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:14], []byte("WEBPVP")):
		return typeWebP, nil
	}
	return "", ErrUnsupported
}

func decodeConfig(data []byte, typ string) (image.Config, error) {
	r := bytes.NewReader(data)
	switch typ {
	case typeJPEG:
		return jpeg.DecodeConfig(r)
	case typePNG:
		return png.DecodeConfig(r)
	case typeGIF:
		return gif.DecodeConfig(r)
	case typeWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, ErrUnsupported
}

// checkPixels refuses decompression bombs from the header alone: a few bytes
// can declare a bitmap of tens of gigabytes, and decoders allocate it up front.
func checkPixels(data []byte, typ string, maxPixels int64) error {
	cfg, err := decodeConfig(data, typ)
	if err != nil {
		return fmt.Errorf("%w: %s header: %v", ErrCorrupt, typ, err)
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: %s declares %dx%d", ErrCorrupt, typ, w, h)
	}
	// Divide rather than multiply so that no pair of dimensions can overflow.
	if w > maxPixels/h {
		return fmt.Errorf("%w: %dx%d exceeds %d pixels", ErrTooManyPixels, w, h, maxPixels)
	}
	return nil
}

// decode picks the decoder from the sniffed type rather than letting
// image.Decode guess again, so the type we checked is the type we decode.
// Decoders are fed hostile input; a panic in one must not take the server
// down, so it is reported as a corrupt image.
func decode(data []byte, typ string) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder panicked: %v", ErrCorrupt, typ, p)
		}
	}()
	r := bytes.NewReader(data)
	switch typ {
	case typeJPEG:
		img, err = jpeg.Decode(r)
	case typePNG:
		img, err = png.Decode(r)
	case typeGIF:
		// gif.Decode stops after the first frame, which is the poster frame
		// shoppers expect; the rest of an animation is never decoded.
		img, err = gif.Decode(r)
	case typeWebP:
		img, err = webp.Decode(r)
	default:
		return nil, ErrUnsupported
	}
	if err != nil {
		return nil, fmt.Errorf("%w: decode %s: %v", ErrCorrupt, typ, err)
	}
	if img.Bounds().Empty() {
		return nil, fmt.Errorf("%w: %s decodes to an empty image", ErrCorrupt, typ)
	}
	return img, nil
}
