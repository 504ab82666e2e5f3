package imaging

import (
	"bytes"
	"encoding/binary"
	"image"
)

// orientation is the EXIF Orientation tag (0x0112): how the stored pixels
// must be transformed to be displayed upright. Cameras write sensor-order
// pixels plus this tag instead of rotating, and re-encoding drops the tag,
// so the transform has to be baked into the pixels.
type orientation int

const (
	orientNormal     orientation = 1 // as stored
	orientFlipH      orientation = 2 // mirrored left-right
	orientRotate180  orientation = 3
	orientFlipV      orientation = 4 // mirrored top-bottom
	orientTranspose  orientation = 5 // mirrored along the top-left/bottom-right diagonal
	orientRotate90   orientation = 6 // rotate 90° clockwise to display
	orientTransverse orientation = 7 // mirrored along the top-right/bottom-left diagonal
	orientRotate270  orientation = 8 // rotate 90° counter-clockwise to display
)

func (o orientation) swapsAxes() bool { return o >= orientTranspose && o <= orientRotate270 }

const (
	markerSOI  = 0xD8
	markerEOI  = 0xD9
	markerSOS  = 0xDA
	markerAPP1 = 0xE1
	tagOrient  = 0x0112
	typeShort  = 3
)

// jpegOrientation returns the orientation from the first EXIF APP1 segment,
// or orientNormal when there is none or it cannot be parsed: a broken EXIF
// block is common and must not fail an otherwise decodable photo. It walks
// marker segments only up to the first scan, since EXIF must precede it.
func jpegOrientation(data []byte) orientation {
	if len(data) < 2 || data[0] != 0xFF || data[1] != markerSOI {
		return orientNormal
	}
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return orientNormal
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte before a marker
			p++
			continue
		}
		if marker == markerSOS || marker == markerEOI {
			return orientNormal
		}
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) { // parameterless markers
			p += 2
			continue
		}
		// The length includes its own two bytes, so anything below 2 would
		// loop forever or walk backwards.
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return orientNormal
		}
		seg := data[p+4 : p+2+n]
		if marker == markerAPP1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return orientNormal
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure (the body
// of an EXIF segment). Every offset is attacker-controlled, so each one is
// checked against the buffer before use.
func tiffOrientation(t []byte) orientation {
	if len(t) < 8 {
		return orientNormal
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return orientNormal
	}
	ifd := uint64(bo.Uint32(t[4:]))
	if ifd+2 > uint64(len(t)) {
		return orientNormal
	}
	count := uint64(bo.Uint16(t[ifd:]))
	entries := ifd + 2
	for i := uint64(0); i < count; i++ {
		e := entries + 12*i
		if e+12 > uint64(len(t)) {
			return orientNormal
		}
		if bo.Uint16(t[e:]) != tagOrient {
			continue
		}
		if bo.Uint16(t[e+2:]) != typeShort || bo.Uint32(t[e+4:]) != 1 {
			return orientNormal
		}
		// A single SHORT is stored left-justified in the 4-byte value field.
		if v := orientation(bo.Uint16(t[e+8:])); v >= orientNormal && v <= orientRotate270 {
			return v
		}
		return orientNormal
	}
	return orientNormal
}

// orient returns src transformed for display. It runs on the resized
// variant, not the decoded photo: rotation commutes with scaling, and
// rotating a 1600px image is far cheaper than rotating 12 megapixels.
func orient(src *image.RGBA, o orientation) *image.RGBA {
	if o == orientNormal {
		return src
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := sw, sh
	if o.swapsAxes() {
		dw, dh = sh, sw
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case orientFlipH:
				sx, sy = sw-1-x, y
			case orientRotate180:
				sx, sy = sw-1-x, sh-1-y
			case orientFlipV:
				sx, sy = x, sh-1-y
			case orientTranspose:
				sx, sy = y, x
			case orientRotate90:
				sx, sy = y, sh-1-x
			case orientTransverse:
				sx, sy = sw-1-y, sh-1-x
			case orientRotate270:
				sx, sy = sw-1-y, x
			}
			i := src.PixOffset(src.Rect.Min.X+sx, src.Rect.Min.Y+sy)
			copy(row[4*x:4*x+4], src.Pix[i:i+4])
		}
	}
	return dst
}
