package assets

import (
	"image"
	"image/color"
	"image/draw"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
)

// Colour is what the store did with a master's colours.
type Colour struct {
	// Profile is the description of the master's embedded ICC profile, ""
	// when it has none (then its numbers are taken as sRGB).
	Profile string `json:"profile,omitempty"`
	// Converted reports that the derivatives were converted from Profile
	// to sRGB; false for untagged and sRGB masters, which are published
	// as they are.
	Converted bool `json:"converted,omitempty"`
	// Approximate says why the colours of the derivatives only approximate
	// the master's (a profile vitrine cannot apply); "" when they do not.
	Approximate string `json:"approximate,omitempty"`
}

// masterColour reads the ICC profile embedded in a master and returns the
// transform to sRGB its pixels need: nil for an untagged master or an sRGB
// profile (nothing to do), and nil with c.Approximate set for a profile
// this build cannot apply (damaged, LUT-based, CMYK).
func masterColour(data []byte, format string) (*icc.Transform, Colour) {
	raw, err := icc.Extract(data, format)
	if err != nil {
		return nil, Colour{Profile: "damaged profile", Approximate: "its ICC profile is damaged (" + err.Error() + ") and was not applied"}
	}
	if raw == nil {
		return nil, Colour{}
	}
	p, err := icc.Parse(raw)
	if err != nil {
		return nil, Colour{Profile: "damaged profile", Approximate: "its ICC profile cannot be read (" + err.Error() + ") and was not applied"}
	}
	c := Colour{Profile: p.Name()}
	t, err := icc.NewTransform(p)
	if err != nil {
		c.Approximate = "its ICC profile " + quote(p.Name()) + " (" + p.ColorSpace + ", lookup tables) is not applied: " + approxHow(p)
		return nil, c
	}
	if t.SRGB() {
		return nil, c
	}
	c.Converted = true
	return t, c
}

func quote(s string) string { return "\"" + s + "\"" }

func approxHow(p *icc.Profile) string {
	if p.ColorSpace == "CMYK" {
		return "the CMYK values are converted by the plain formula"
	}
	return "the values are shown as if they were sRGB"
}

// fits reports whether a transform applies to an image's samples: grey
// profiles to grey images, RGB ones to colour images.
func fits(t *icc.Transform, img image.Image) bool {
	switch img.(type) {
	case *image.Gray, *image.Gray16:
		return t.Gray()
	case *image.CMYK:
		return false
	}
	return !t.Gray()
}

// convertColour converts a decoded image to sRGB with t, before
// orientation and flattening: a grey image stays grey, 16-bit samples are
// converted from all their bits, alpha is kept (flatten composes it on
// white afterwards), and a YCbCr image becomes RGBA. Rows are split
// between the CPUs; t sees one row at a time (Transform.Convert8,
// Convert16).
func convertColour(img image.Image, t *icc.Transform) image.Image {
	if t == nil || !fits(t, img) {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		out := image.NewGray(image.Rect(0, 0, w, h))
		parallel(h, w*h, func(y int) {
			t.Convert8(out.Pix[y*out.Stride:], 1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):], 1, w)
		})
		return out
	case *image.Gray16:
		out := image.NewGray(image.Rect(0, 0, w, h))
		parallel(h, w*h, func(y int) {
			row := make([]uint16, w)
			s := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range row {
				row[x] = uint16(s[2*x])<<8 | uint16(s[2*x+1])
			}
			t.Convert16(out.Pix[y*out.Stride:], 1, row, 1, w)
		})
		return out
	case *image.YCbCr:
		if m.SubsampleRatio == image.YCbCrSubsampleRatio420 && m.Rect.Min == (image.Point{}) {
			return convertYCbCr420(m, t)
		}
		out := image.NewRGBA(image.Rect(0, 0, w, h))
		parallel(h, w*h, func(y int) {
			d := out.Pix[y*out.Stride : y*out.Stride+4*w]
			for x := 0; x < w; x++ {
				yi, ci := m.YOffset(b.Min.X+x, b.Min.Y+y), m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				d[4*x], d[4*x+1], d[4*x+2], d[4*x+3] = r, g, bb, 255
			}
			t.Convert8(d, 4, d, 4, w)
		})
		return out
	case *image.NRGBA:
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		parallel(h, w*h, func(y int) {
			d := out.Pix[y*out.Stride : y*out.Stride+4*w]
			copy(d, m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
			t.Convert8(d, 4, d, 4, w)
		})
		return out
	case *image.RGBA:
		if m.Opaque() {
			out := image.NewRGBA(image.Rect(0, 0, w, h))
			parallel(h, w*h, func(y int) {
				d := out.Pix[y*out.Stride : y*out.Stride+4*w]
				copy(d, m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
				t.Convert8(d, 4, d, 4, w)
			})
			return out
		}
	}
	// Everything else (16-bit RGB, paletted, premultiplied alpha) as
	// non-premultiplied 16-bit samples.
	n64, ok := img.(*image.NRGBA64)
	if !ok || n64.Rect.Min != (image.Point{}) {
		if r64, ok := img.(*image.RGBA64); ok && r64.Opaque() && r64.Rect.Min == (image.Point{}) {
			n64 = &image.NRGBA64{Pix: r64.Pix, Stride: r64.Stride, Rect: r64.Rect} // same bytes when opaque
		} else {
			n64 = image.NewNRGBA64(image.Rect(0, 0, w, h))
			draw.Draw(n64, n64.Rect, img, b.Min, draw.Src)
		}
	}
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	parallel(h, w*h, func(y int) {
		s := n64.Pix[y*n64.Stride : y*n64.Stride+8*w]
		row := make([]uint16, 4*w)
		d := out.Pix[y*out.Stride : y*out.Stride+4*w]
		for i := range row {
			row[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
		}
		t.Convert16(d, 4, row, 4, w)
		for x := 0; x < w; x++ {
			d[4*x+3] = uint8(row[4*x+3] >> 8)
		}
	})
	return out
}

// convertYCbCr420 converts a 4:2:0 image (a JPEG's planes) and returns it
// as 4:2:0 again, so that its levels are halved plane by plane and encoded
// by the fast encoder, as an untagged JPEG's are: each pair of rows is
// turned into RGB, converted, and each pixel's Y kept with the Cb and Cr
// of the average of each 2x2 block (what a 4:2:0 encoder of RGB keeps).
func convertYCbCr420(m *image.YCbCr, t *icc.Transform) *image.YCbCr {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	parallel((h+1)/2, w*h, func(j int) {
		var rows [2][]byte
		for k := range rows {
			y := min(2*j+k, h-1)
			d := make([]byte, 3*w)
			for x := 0; x < w; x++ {
				ci := m.COffset(x, y)
				d[3*x], d[3*x+1], d[3*x+2] = color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[ci], m.Cr[ci])
			}
			t.Convert8(d, 3, d, 3, w)
			rows[k] = d
			if 2*j+k < h {
				for x := 0; x < w; x++ {
					yy, _, _ := color.RGBToYCbCr(d[3*x], d[3*x+1], d[3*x+2])
					out.Y[out.YOffset(x, y)] = yy
				}
			}
		}
		for cx := 0; cx < (w+1)/2; cx++ {
			x0, x1 := 2*cx, min(2*cx+1, w-1)
			var r, g, b int
			for _, d := range rows {
				r += int(d[3*x0]) + int(d[3*x1])
				g += int(d[3*x0+1]) + int(d[3*x1+1])
				b += int(d[3*x0+2]) + int(d[3*x1+2])
			}
			_, cb, cr := color.RGBToYCbCr(uint8((r+2)/4), uint8((g+2)/4), uint8((b+2)/4))
			i := out.COffset(x0, 2*j)
			out.Cb[i], out.Cr[i] = cb, cr
		}
	})
	return out
}
