package imaging

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

var (
	red  = color.RGBA{R: 255, A: 255}
	blue = color.RGBA{B: 255, A: 255}
)

// gpsLatitude is the GPS IFD's latitude block (48/1, 51/1, 2417/100): 24
// bytes that cannot plausibly occur by chance in an encoded variant.
var gpsLatitude = func() []byte {
	b := make([]byte, 0, 24)
	for _, v := range []uint32{48, 1, 51, 1, 2417, 100} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}()

// redCornerImage is w×h with the top-left quadrant red and the rest blue, so
// that any rotation or mirroring moves the red corner somewhere visible.
func redCornerImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := blue
			if x < w/2 && y < h/2 {
				c = red
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// byteOrder is what the EXIF builder needs from binary's byte orders.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifTIFF builds the TIFF body of an EXIF segment: IFD0 holds Orientation
// and a GPSInfo pointer to a GPS IFD with a latitude reference and latitude.
func exifTIFF(bo byteOrder, orient uint16) []byte {
	const (
		ifd0   = 8
		gpsIFD = ifd0 + 2 + 2*12 + 4
		latOff = gpsIFD + 2 + 2*12 + 4
	)
	var t []byte
	if bo == byteOrder(binary.LittleEndian) {
		t = append(t, "II*\x00"...)
	} else {
		t = append(t, "MM\x00*"...)
	}
	t = bo.AppendUint32(t, ifd0)
	entry := func(tag, typ uint16, count uint32, value []byte) {
		t = bo.AppendUint16(t, tag)
		t = bo.AppendUint16(t, typ)
		t = bo.AppendUint32(t, count)
		t = append(t, value...)
	}
	short := bo.AppendUint16(nil, orient)
	short = append(short, 0, 0)

	t = bo.AppendUint16(t, 2)
	entry(0x0112, 3, 1, short)                        // Orientation, SHORT
	entry(0x8825, 4, 1, bo.AppendUint32(nil, gpsIFD)) // GPSInfo, LONG
	t = bo.AppendUint32(t, 0)

	t = bo.AppendUint16(t, 2)
	entry(0x0001, 2, 2, []byte("N\x00\x00\x00"))      // GPSLatitudeRef, ASCII
	entry(0x0002, 5, 3, bo.AppendUint32(nil, latOff)) // GPSLatitude, 3 RATIONAL
	t = bo.AppendUint32(t, 0)

	// Rationals follow the file's byte order; gpsLatitude is big-endian.
	for i := 0; i < len(gpsLatitude); i += 4 {
		t = bo.AppendUint32(t, binary.BigEndian.Uint32(gpsLatitude[i:]))
	}
	return t
}

// withExif splices an APP1 EXIF segment right after the SOI marker, where
// cameras put it.
func withExif(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// pngHeaderOnly is a PNG signature and an IHDR chunk (8-bit RGBA) with a
// valid CRC and no image data: all a decompression bomb needs to declare.
func pngHeaderOnly(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	chunk := []byte("IHDR")
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 6, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, chunk...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(chunk))
}

// bitWriter packs bits least-significant first, as VP8L expects.
type bitWriter struct {
	buf   []byte
	nBits uint
}

func (w *bitWriter) write(v uint32, n uint) {
	for i := range n {
		if w.nBits%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		w.buf[len(w.buf)-1] |= byte(v>>i&1) << (w.nBits % 8)
		w.nBits++
	}
}

// losslessWebP encodes a solid-colour w×h lossless WebP. Every prefix code
// is a "simple" code with a single symbol, which takes zero bits per pixel,
// so the whole bitstream is header and code descriptions.
func losslessWebP(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(0x2f, 8) // VP8L signature
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(1, 1) // alpha hint
	bw.write(0, 3) // version
	bw.write(0, 1) // no transforms
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // 8-bit symbol
		bw.write(uint32(sym), 8)
	}
	bw.write(1, 1) // distance: simple code,
	bw.write(0, 1) // one symbol,
	bw.write(0, 1) // 1-bit symbol,
	bw.write(0, 1) // symbol 0
	vp8l := bw.buf

	chunk := []byte("VP8L")
	chunk = binary.LittleEndian.AppendUint32(chunk, uint32(len(vp8l)))
	chunk = append(chunk, vp8l...)
	if len(vp8l)%2 == 1 {
		chunk = append(chunk, 0)
	}
	riff := []byte("RIFF")
	riff = binary.LittleEndian.AppendUint32(riff, uint32(4+len(chunk)))
	riff = append(riff, "WEBP"...)
	return append(riff, chunk...)
}

// photoLike fills a w×h image with smooth gradients plus sensor-like noise,
// which compresses and resamples like a real photo rather than a flat test
// card.
func photoLike(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			n := int(rng.Uint32()%24) - 12
			i := m.PixOffset(x, y)
			m.Pix[i] = clamp8(255*x/w + n)
			m.Pix[i+1] = clamp8(255*y/h + n)
			m.Pix[i+2] = clamp8(128 + 100*((x/200+y/150)%2) - 50 + n)
			m.Pix[i+3] = 255
		}
	}
	return m
}

func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }
