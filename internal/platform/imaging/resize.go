package imaging

import (
	"image"
	"image/color"
	stddraw "image/draw"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
)

// maxBoxFactor keeps box sums of 8-bit samples inside a uint32.
const maxBoxFactor = 255

// fit returns the size of a w×h image scaled so that its long edge is at
// most longEdge. It never upscales: enlarging adds bytes, not detail.
func fit(w, h, longEdge int) (int, int) {
	long := max(w, h)
	if long <= longEdge {
		return w, h
	}
	scale := func(n int) int {
		return max(1, int((int64(n)*int64(longEdge)+int64(long)/2)/int64(long)))
	}
	return scale(w), scale(h)
}

// resize scales src to exactly tw×th, which must not be larger than src.
//
// A Catmull-Rom kernel gives sharp, alias-free results, but x/image/draw's
// separable implementation buffers tw×srcHeight samples of 32 bytes each:
// 150 MB and over a second of CPU for a 12 MP photo. Averaging
// k×k blocks first (exact for integer factors, cheap, parallel) leaves
// Catmull-Rom less than a 2× reduction, which cuts both time and memory.
func resize(src image.Image, tw, th int) *image.RGBA {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	if k := min(sw/tw, sh/th, maxBoxFactor); k >= 2 {
		src = boxReduce(src, k)
		sw, sh = src.Bounds().Dx(), src.Bounds().Dy()
	}
	if sw == tw && sh == th {
		return toRGBA(src)
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.CatmullRom.Scale(dst, dst.Rect, src, src.Bounds(), draw.Src, nil)
	return dst
}

// toRGBA returns img as *image.RGBA, converting only when it has to.
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	stddraw.Draw(dst, dst.Rect, img, b.Min, stddraw.Src)
	return dst
}

// boxReduce averages k×k blocks of src. The last partial row and column of
// blocks are dropped: at most k-1 pixels, invisible after the final resize,
// and it keeps the divisor constant.
func boxReduce(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	dw, dh := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	read := rowReader(src)
	div, half := uint32(k*k), uint32(k*k/2)

	workers := min(runtime.GOMAXPROCS(0), dh)
	var wg sync.WaitGroup
	for w := range workers {
		y0, y1 := dh*w/workers, dh*(w+1)/workers
		wg.Go(func() {
			buf := make([]byte, 4*b.Dx())
			acc := make([]uint32, 4*dw)
			for oy := y0; oy < y1; oy++ {
				clear(acc)
				for j := range k {
					row := read(oy*k+j, buf)
					for ox := range dw {
						a := acc[4*ox : 4*ox+4 : 4*ox+4]
						px := row[4*k*ox : 4*k*(ox+1)]
						for i := 0; i < len(px); i += 4 {
							a[0] += uint32(px[i])
							a[1] += uint32(px[i+1])
							a[2] += uint32(px[i+2])
							a[3] += uint32(px[i+3])
						}
					}
				}
				out := dst.Pix[oy*dst.Stride : oy*dst.Stride+4*dw]
				for i, v := range acc {
					out[i] = uint8((v + half) / div)
				}
			}
		})
	}
	wg.Wait()
	return dst
}

// rowReader returns a function yielding row y (0-based within the bounds)
// of img as premultiplied 8-bit RGBA, using buf when it must convert.
// Averaging premultiplied values keeps transparent pixels from bleeding
// their (meaningless) colour into visible neighbours.
func rowReader(img image.Image) func(y int, buf []byte) []byte {
	b := img.Bounds()
	w := b.Dx()
	switch m := img.(type) {
	case *image.RGBA:
		return func(y int, _ []byte) []byte {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			return m.Pix[i : i+4*w]
		}
	case *image.YCbCr:
		return func(y int, buf []byte) []byte {
			sy := b.Min.Y + y
			for x := range w {
				sx := b.Min.X + x
				ci := m.COffset(sx, sy)
				r, g, bl := color.YCbCrToRGB(m.Y[m.YOffset(sx, sy)], m.Cb[ci], m.Cr[ci])
				buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = r, g, bl, 0xFF
			}
			return buf
		}
	case *image.NRGBA:
		return func(y int, buf []byte) []byte {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			px := m.Pix[i : i+4*w]
			for x := 0; x < len(px); x += 4 {
				a := uint32(px[x+3])
				buf[x] = uint8((uint32(px[x])*a + 127) / 255)
				buf[x+1] = uint8((uint32(px[x+1])*a + 127) / 255)
				buf[x+2] = uint8((uint32(px[x+2])*a + 127) / 255)
				buf[x+3] = uint8(a)
			}
			return buf
		}
	case *image.Gray:
		return func(y int, buf []byte) []byte {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x, v := range m.Pix[i : i+w] {
				buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = v, v, v, 0xFF
			}
			return buf
		}
	case *image.Paletted:
		var pal [256][4]byte
		for i, c := range m.Palette {
			if i >= len(pal) {
				break
			}
			r, g, bl, a := c.RGBA()
			pal[i] = [4]byte{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
		}
		return func(y int, buf []byte) []byte {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			for x, v := range m.Pix[i : i+w] {
				copy(buf[4*x:4*x+4], pal[v][:])
			}
			return buf
		}
	}
	return func(y int, buf []byte) []byte {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), uint8(a>>8)
		}
		return buf
	}
}
