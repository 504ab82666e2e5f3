package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func process(t *testing.T, data []byte) *Result {
	t.Helper()
	res, err := Process(bytes.NewReader(data), DefaultLimits, DefaultVariants)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return res
}

func decodeOutput(t *testing.T, o Output) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(o.Data))
	if err != nil {
		t.Fatalf("%s: decode output: %v", o.Name, err)
	}
	if want := "image/" + format; want != o.ContentType {
		t.Fatalf("%s: ContentType %q but data is %s", o.Name, o.ContentType, want)
	}
	if b := img.Bounds(); b.Dx() != o.Width || b.Dy() != o.Height {
		t.Fatalf("%s: says %dx%d, decodes to %v", o.Name, o.Width, o.Height, b)
	}
	return img
}

// near reports whether c is within a JPEG-tolerant distance of want.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(v uint32, w uint8) int { return max(int(v>>8)-int(w), int(w)-int(v>>8)) }
	return d(r, want.R) < 40 && d(g, want.G) < 40 && d(b, want.B) < 40
}

func TestAPhotoTakenSidewaysComesOutUprightWithoutExifOrGPS(t *testing.T) {
	upload := withExif(encodeJPEG(t, redCornerImage(400, 200)), exifTIFF(binary.BigEndian, 6))
	if !bytes.Contains(upload, []byte("Exif")) || !bytes.Contains(upload, gpsLatitude) {
		t.Fatal("fixture lacks the EXIF and GPS bytes the test looks for")
	}

	res := process(t, upload)

	if res.Width != 200 || res.Height != 400 {
		t.Errorf("upright size %dx%d, want 200x400", res.Width, res.Height)
	}
	wantSize := map[string][2]int{"thumb": {160, 320}, "medium": {200, 400}, "large": {200, 400}}
	for _, o := range res.Variants {
		if got := [2]int{o.Width, o.Height}; got != wantSize[o.Name] {
			t.Errorf("%s: %dx%d, want %dx%d", o.Name, got[0], got[1], wantSize[o.Name][0], wantSize[o.Name][1])
		}
		if bytes.Contains(o.Data, []byte("Exif")) {
			t.Errorf("%s: output still carries an Exif marker", o.Name)
		}
		if bytes.Contains(o.Data, gpsLatitude) {
			t.Errorf("%s: output still carries the GPS latitude", o.Name)
		}
		img := decodeOutput(t, o)
		w, h := o.Width, o.Height
		// Rotated 90° clockwise, the red top-left quadrant is now top-right.
		for _, p := range []struct {
			x, y int
			want color.RGBA
		}{
			{3 * w / 4, h / 4, red},
			{w / 4, h / 4, blue},
			{w / 4, 3 * h / 4, blue},
			{3 * w / 4, 3 * h / 4, blue},
		} {
			if c := img.At(p.x, p.y); !near(c, p.want) {
				t.Errorf("%s: pixel (%d,%d) is %v, want about %v", o.Name, p.x, p.y, c, p.want)
			}
		}
	}
}

func TestEveryExifOrientationIsAppliedInBothByteOrders(t *testing.T) {
	// Where the stored top-left corner ends up when displayed, and whether
	// the axes swap: together they identify each of the eight transforms.
	want := map[uint16]struct {
		right, bottom, swapped bool
	}{
		1: {false, false, false}, 2: {true, false, false}, 3: {true, true, false}, 4: {false, true, false},
		5: {false, false, true}, 6: {true, false, true}, 7: {true, true, true}, 8: {false, true, true},
	}
	src := encodeJPEG(t, redCornerImage(80, 40))
	for o, w := range want {
		for _, bo := range []byteOrder{binary.BigEndian, binary.LittleEndian} {
			res, err := Process(bytes.NewReader(withExif(src, exifTIFF(bo, o))), DefaultLimits, []Variant{{"v", 100}})
			if err != nil {
				t.Fatalf("orientation %d %v: %v", o, bo, err)
			}
			img := decodeOutput(t, res.Variants[0])
			b := img.Bounds()
			if swapped := b.Dx() < b.Dy(); swapped != w.swapped {
				t.Errorf("orientation %d %v: size %v, swapped=%v", o, bo, b.Size(), w.swapped)
			}
			x, y := b.Dx()/8, b.Dy()/8
			if w.right {
				x = b.Dx() - 1 - x
			}
			if w.bottom {
				y = b.Dy() - 1 - y
			}
			if c := img.At(x, y); !near(c, red) {
				t.Errorf("orientation %d %v: red corner not at (%d,%d): %v", o, bo, x, y, c)
			}
		}
	}
}

func TestMalformedExifIsIgnoredRatherThanFatal(t *testing.T) {
	valid := exifTIFF(binary.LittleEndian, 6)
	cases := map[string][]byte{
		"empty":                {},
		"bad byte order":       append([]byte("XX"), valid[2:]...),
		"IFD offset past end":  {'I', 'I', '*', 0, 0xFF, 0xFF, 0xFF, 0xFF},
		"entry count past end": {'I', 'I', '*', 0, 8, 0, 0, 0, 0xFF, 0xFF},
		"truncated entry":      valid[:14],
		"orientation 9":        exifTIFF(binary.LittleEndian, 9),
		"orientation 0":        exifTIFF(binary.LittleEndian, 0),
	}
	for name, tiff := range cases {
		if got := tiffOrientation(tiff); got != orientNormal {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
	if got := tiffOrientation(valid); got != orientRotate90 {
		t.Errorf("valid: orientation %d, want 6", got)
	}
	// A segment length below 2 must not make the marker walk loop or go back.
	if got := jpegOrientation([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00}); got != orientNormal {
		t.Errorf("zero-length segment: orientation %d", got)
	}
}

// heapObjects returns bytes held in heap objects, live or not yet swept;
// reading it does not stop the world, so it can be sampled while work runs.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakHeap runs fn and returns the highest heap growth seen while it ran.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	base := heapObjects()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if h := heapObjects(); h > base && h-base > peak.Load() {
				peak.Store(h - base)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	if h := heapObjects(); h > base && h-base > peak.Load() {
		peak.Store(h - base)
	}
	close(done)
	<-stopped
	return peak.Load()
}

func TestAPNGDeclaringTenGigapixelsIsRefusedBeforeDecoding(t *testing.T) {
	bomb := pngHeaderOnly(100000, 100000)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Process(bytes.NewReader(bomb), DefaultLimits, DefaultVariants)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)

	if !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("err = %v, want ErrTooManyPixels", err)
	}
	if elapsed > 500*time.Millisecond {
		t.Errorf("took %v to refuse", elapsed)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 10<<20 {
		t.Errorf("allocated %d bytes to refuse", alloc)
	}
}

func TestAGIFHeaderDeclaringTheLargestScreenIsTooManyPixels(t *testing.T) {
	// Logical screen descriptor only: 65535×65535, no colour table, no frames.
	bomb := []byte("GIF89a\xFF\xFF\xFF\xFF\x00\x00\x00")
	if _, err := Process(bytes.NewReader(bomb), DefaultLimits, DefaultVariants); !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("err = %v, want ErrTooManyPixels", err)
	}
}

func TestATextFileNamedLikeAPhotoIsUnsupported(t *testing.T) {
	// The upload's name ("photo.jpg") and its declared Content-Type never
	// reach Process: only the bytes decide.
	photoJPG := strings.NewReader("just some notes, not a photo\n")
	if _, err := Process(photoJPG, DefaultLimits, DefaultVariants); !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
}

// countingReader counts the bytes handed out, to prove the cap is honoured.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless looks like the start of a JPEG and never ends.
type endless struct{ started bool }

func (e *endless) Read(p []byte) (int, error) {
	if !e.started && len(p) >= 3 {
		e.started = true
		return copy(p, "\xFF\xD8\xFF"), nil
	}
	clear(p)
	return len(p), nil
}

func TestAnUploadOverTheByteCapIsTooLargeWithoutReadingItAll(t *testing.T) {
	big := encodeJPEG(t, photoLike(200, 200))
	if len(big) < 5000 {
		t.Fatalf("fixture is only %d bytes", len(big))
	}
	cr := &countingReader{r: bytes.NewReader(big[:5000])}
	_, err := Process(cr, Limits{MaxBytes: 1000}, DefaultVariants)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if cr.n > 1001 {
		t.Errorf("read %d bytes, want at most 1001", cr.n)
	}

	if _, err := Process(&endless{}, Limits{MaxBytes: 1 << 20}, DefaultVariants); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless body: err = %v, want ErrTooLarge", err)
	}
}

func TestAnUploadOfExactlyTheCapIsAccepted(t *testing.T) {
	data := encodePNG(t, redCornerImage(10, 10))
	if _, err := Process(bytes.NewReader(data), Limits{MaxBytes: int64(len(data))}, DefaultVariants); err != nil {
		t.Fatal(err)
	}
}

func TestAnAnimatedGIFShowsItsFirstFrame(t *testing.T) {
	frame := func(c color.Color) *image.Paletted {
		m := image.NewPaletted(image.Rect(0, 0, 60, 40), palette.Plan9)
		idx := uint8(color.Palette(palette.Plan9).Index(c))
		for i := range m.Pix {
			m.Pix[i] = idx
		}
		return m
	}
	var buf bytes.Buffer
	anim := &gif.GIF{Image: []*image.Paletted{frame(red), frame(blue)}, Delay: []int{10, 10}}
	if err := gif.EncodeAll(&buf, anim); err != nil {
		t.Fatal(err)
	}

	res := process(t, buf.Bytes())

	if res.SourceType != "image/gif" {
		t.Errorf("SourceType %q", res.SourceType)
	}
	for _, o := range res.Variants {
		img := decodeOutput(t, o)
		if c := img.At(o.Width/2, o.Height/2); !near(c, red) {
			t.Errorf("%s: colour %v, want the first frame's red", o.Name, c)
		}
	}
}

func TestVariantsAreScaledDownButNeverUp(t *testing.T) {
	res := process(t, encodePNG(t, redCornerImage(500, 300)))

	want := [][2]int{{320, 192}, {500, 300}, {500, 300}}
	for i, o := range res.Variants {
		if o.Name != DefaultVariants[i].Name {
			t.Errorf("variant %d is %q, want %q", i, o.Name, DefaultVariants[i].Name)
		}
		if got := [2]int{o.Width, o.Height}; got != want[i] {
			t.Errorf("%s: %v, want %v", o.Name, got, want[i])
		}
		decodeOutput(t, o)
	}
	if &res.Variants[1].Data[0] == &res.Variants[2].Data[0] {
		t.Error("identical variants share one buffer; a caller mutating one would corrupt the other")
	}
}

func TestVariantsKeepTheirOrderWhateverTheSizes(t *testing.T) {
	vs := []Variant{{"small", 50}, {"big", 150}, {"mid", 100}}
	res, err := Process(bytes.NewReader(encodeJPEG(t, photoLike(300, 200))), DefaultLimits, vs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"small 50x33", "big 150x100", "mid 100x67"}
	for i, o := range res.Variants {
		if got := fmt.Sprintf("%s %dx%d", o.Name, o.Width, o.Height); got != want[i] {
			t.Errorf("variant %d: %s, want %s", i, got, want[i])
		}
	}
}

func TestATransparentPNGStaysPNGWithItsAlpha(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 1000, 600))
	for y := range 600 {
		for x := range 1000 {
			if x >= 500 { // right half is a cut-out: fully transparent
				continue
			}
			m.SetNRGBA(x, y, color.NRGBA{R: 200, G: 30, B: 30, A: 255})
		}
	}

	res := process(t, encodePNG(t, m))

	for _, o := range res.Variants {
		if o.ContentType != "image/png" || o.Ext != ".png" {
			t.Errorf("%s: %s %s, want image/png .png", o.Name, o.ContentType, o.Ext)
		}
		img := decodeOutput(t, o)
		if _, _, _, a := img.At(o.Width-2, o.Height/2).RGBA(); a != 0 {
			t.Errorf("%s: cut-out has alpha %d, want 0", o.Name, a)
		}
		if _, _, _, a := img.At(1, o.Height/2).RGBA(); a != 0xFFFF {
			t.Errorf("%s: product has alpha %d, want opaque", o.Name, a)
		}
	}
}

func TestAnOpaquePNGBecomesJPEG(t *testing.T) {
	// NRGBA with every alpha at 255: an alpha channel, but nothing to keep.
	m := image.NewNRGBA(image.Rect(0, 0, 400, 300))
	for i := range m.Pix {
		m.Pix[i] = 255
	}
	for _, o := range process(t, encodePNG(t, m)).Variants {
		if o.ContentType != "image/jpeg" || o.Ext != ".jpg" {
			t.Errorf("%s: %s %s, want image/jpeg .jpg", o.Name, o.ContentType, o.Ext)
		}
		decodeOutput(t, o)
	}
}

func TestAWebPIsProcessed(t *testing.T) {
	green := color.NRGBA{R: 20, G: 180, B: 60, A: 255}
	upload := losslessWebP(64, 48, green)

	res := process(t, upload)

	if res.SourceType != "image/webp" || res.Width != 64 || res.Height != 48 {
		t.Fatalf("got %s %dx%d, want image/webp 64x48", res.SourceType, res.Width, res.Height)
	}
	o := res.Variants[0]
	if o.ContentType != "image/jpeg" {
		t.Errorf("opaque WebP became %s", o.ContentType)
	}
	if c := decodeOutput(t, o).At(10, 10); !near(c, color.RGBA{20, 180, 60, 255}) {
		t.Errorf("colour %v, want about %v", c, green)
	}

	seeThrough := process(t, losslessWebP(8, 8, color.NRGBA{R: 255, A: 128}))
	if got := seeThrough.Variants[0].ContentType; got != "image/png" {
		t.Errorf("translucent WebP became %s, want image/png", got)
	}
}

func TestATruncatedJPEGIsCorruptNotAPanic(t *testing.T) {
	full := encodeJPEG(t, photoLike(300, 200))
	for _, n := range []int{len(full) / 2, len(full) - 3, 200} {
		_, err := Process(bytes.NewReader(full[:n]), DefaultLimits, DefaultVariants)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("cut at %d of %d: err = %v, want ErrCorrupt", n, len(full), err)
		}
	}
	if _, err := Process(strings.NewReader("\x89PNG\r\n\x1a\ngarbage"), DefaultLimits, DefaultVariants); !errors.Is(err, ErrCorrupt) {
		t.Errorf("PNG signature with garbage: err = %v, want ErrCorrupt", err)
	}
}

func TestTheSameBytesGiveTheSameSourceSHA256(t *testing.T) {
	data := encodeJPEG(t, photoLike(120, 80))
	a, b := process(t, data), process(t, bytes.Clone(data))
	if a.SourceSHA256 != b.SourceSHA256 || len(a.SourceSHA256) != 64 {
		t.Errorf("digests %q and %q", a.SourceSHA256, b.SourceSHA256)
	}
	other := process(t, encodeJPEG(t, photoLike(121, 80)))
	if other.SourceSHA256 == a.SourceSHA256 {
		t.Error("different uploads share a digest")
	}
}

func TestSniffingAgreesWithHTTPDetectContentType(t *testing.T) {
	samples := [][]byte{
		encodeJPEG(t, redCornerImage(8, 8)),
		encodePNG(t, redCornerImage(8, 8)),
		losslessWebP(2, 2, color.NRGBA{A: 255}),
		[]byte("GIF89a......"),
		[]byte("<html>not an image</html>"),
	}
	for _, s := range samples {
		got, err := sniff(s)
		want := http.DetectContentType(s)
		if !strings.HasPrefix(want, "image/") {
			want = ""
		}
		if got != want || (err != nil) != (want == "") {
			t.Errorf("%q: sniff = %q, %v; DetectContentType = %q", s[:8], got, err, want)
		}
	}
}

func TestOutputsDecodeAsTheirContentType(t *testing.T) {
	for _, o := range process(t, encodeJPEG(t, photoLike(900, 700))).Variants {
		var err error
		switch o.ContentType {
		case "image/jpeg":
			_, err = jpeg.Decode(bytes.NewReader(o.Data))
		case "image/png":
			_, err = png.Decode(bytes.NewReader(o.Data))
		}
		if err != nil {
			t.Errorf("%s: %v", o.Name, err)
		}
	}
}

func FuzzOrientation(f *testing.F) {
	jpg := encodeJPEG(f, redCornerImage(16, 16))
	f.Add(withExif(jpg, exifTIFF(binary.BigEndian, 6)))
	f.Add(withExif(jpg, exifTIFF(binary.LittleEndian, 8)))
	f.Add(withExif(jpg, exifTIFF(binary.LittleEndian, 3))[:40])
	f.Add([]byte("\xFF\xD8\xFF\xE1\x00\x08Exif\x00\x00"))
	f.Add([]byte("\xFF\xD8\xFF\xFF\xFF\xE1\xFF\xFF"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(data); o < orientNormal || o > orientRotate270 {
			t.Fatalf("jpegOrientation = %d", o)
		}
		// The TIFF parser alone, so the fuzzer need not find a valid
		// marker walk to reach it.
		if o := tiffOrientation(data); o < orientNormal || o > orientRotate270 {
			t.Fatalf("tiffOrientation = %d", o)
		}
	})
}

// BenchmarkProcessA12MegapixelJPEG reports, besides time and allocations,
// the CPU time per upload (all goroutines, so it can exceed ns/op) and the
// highest heap growth sampled while an upload was processed.
func BenchmarkProcessA12MegapixelJPEG(b *testing.B) {
	upload := encodeJPEG(b, photoLike(4000, 3000))
	b.SetBytes(int64(len(upload)))
	b.ReportAllocs()
	var peak uint64
	var cpu time.Duration
	for b.Loop() {
		start := processCPU()
		p := peakHeap(func() {
			if _, err := Process(bytes.NewReader(upload), DefaultLimits, DefaultVariants); err != nil {
				b.Fatal(err)
			}
		})
		cpu += processCPU() - start
		peak = max(peak, p)
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
