package imaging

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"slices"
	"sync"
)

const jpegQuality = 85

// makeVariants produces one output per variant, in the caller's order.
//
// Work goes from the largest variant down and each one is resized from the
// previous (larger) result rather than from the full photo: after the first
// step the source is at most a few megapixels, so the smaller variants cost
// little. Orientation is applied last, to each variant, see orient.
//
// Measured on the 12 MP benchmark, the heap peaks during the largest
// resize: the decoded photo (18 MB of YCbCr), its 2×2 box reduction
// (12 MB) and x/image/draw's Catmull-Rom buffer (77 MB): about 115 MB of heap
// including not-yet-collected garbage. Callers should bound how many
// uploads are processed at once accordingly.
func makeVariants(src image.Image, o orientation, variants []Variant) ([]Output, error) {
	order := make([]int, len(variants))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(variants[b].LongEdge, variants[a].LongEdge)
	})

	// Decide the format once, from the source: a resampled opaque image can
	// pick up alpha rounding noise, and variants of one upload should agree.
	alpha := !isOpaque(src)

	b := src.Bounds()
	outs := make([]Output, len(variants))
	errs := make([]error, len(variants))
	// base is the smallest image so far, still at least as large as every
	// remaining target. Only base refers to the decoded photo, so its bitmap
	// becomes garbage as soon as the largest variant exists.
	base := src
	src = nil
	first := map[image.Point]int{} // size -> variant that produces it
	same := map[int]int{}          // variant -> earlier variant of the same size

	// Rotating and encoding a variant only reads it, so it runs alongside
	// the next resize: on two cores that hides most of the encoding time.
	var wg sync.WaitGroup
	for _, i := range order {
		v := variants[i]
		// Sizes are computed on the stored (unrotated) axes; the long edge is
		// the same either way.
		tw, th := fit(b.Dx(), b.Dy(), v.LongEdge)
		if j, ok := first[image.Pt(tw, th)]; ok {
			same[i] = j
			continue
		}
		first[image.Pt(tw, th)] = i
		// Targets shrink monotonically, so a target the size of the photo
		// can only come while base is still the photo.
		img := base
		if tw != b.Dx() || th != b.Dy() {
			img = resize(base, tw, th)
			base = img
		}
		wg.Go(func() {
			if o != orientNormal {
				img = orient(toRGBA(img), o)
			}
			out, err := encode(img, alpha)
			if err != nil {
				errs[i] = fmt.Errorf("imaging: variant %q: %w", v.Name, err)
				return
			}
			out.Name = v.Name
			outs[i] = out
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, j := range same {
		outs[i] = outs[j]
		outs[i].Name = variants[i].Name
		// A private copy, so a caller editing one variant cannot alter another.
		outs[i].Data = bytes.Clone(outs[j].Data)
	}
	return outs, nil
}

// encode writes img with the standard encoders, which emit pixels and
// nothing else: no EXIF, no GPS, no ICC, no comments.
func encode(img image.Image, alpha bool) (Output, error) {
	var buf bytes.Buffer
	b := img.Bounds()
	out := Output{Width: b.Dx(), Height: b.Dy()}
	if alpha {
		// JPEG has no alpha channel; PNG keeps cut-out product shots cut out.
		if err := png.Encode(&buf, img); err != nil {
			return Output{}, fmt.Errorf("encode png: %w", err)
		}
		out.ContentType, out.Ext = "image/png", ".png"
	} else {
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return Output{}, fmt.Errorf("encode jpeg: %w", err)
		}
		out.ContentType, out.Ext = "image/jpeg", ".jpg"
	}
	out.Data = buf.Bytes()
	return out, nil
}

// isOpaque reports whether img has no visible transparency. The standard
// image types answer by scanning their pixels, so a PNG saved with an
// all-opaque alpha channel still becomes a (much smaller) JPEG.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
