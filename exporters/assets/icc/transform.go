package icc

import (
	"fmt"
	"math"
	"sync"
)

// Transform converts samples of one source profile to 8-bit sRGB (Little
// CMS's built-in sRGB profile, relative colorimetric intent, out-of-gamut
// colours clipped). It is safe for concurrent use; its tables are made on
// first use (about 1 ms for 8-bit input, 5 ms for 16-bit).
//
// A Transform knows nothing of images: it converts runs of interleaved
// samples, so a decoder can convert each row, strip or band as it arrives
// (Convert8, Convert16) without ever holding the whole image.
type Transform struct {
	gray bool
	// m maps linear source RGB (or Y, in m[0..2] as a column) to linear
	// sRGB, row-major.
	m     [9]float32
	trc   [3]*Curve
	once8 sync.Once
	lin8  [3][256]float32
	oncew sync.Once
	lin16 [3][]float32
	ident bool
}

// NewTransform makes the transform of p's samples to sRGB. It fails,
// wrapping ErrUnsupported, unless p.MatrixTRC().
func NewTransform(p *Profile) (*Transform, error) {
	if !p.MatrixTRC() {
		what := "no matrix/TRC tags"
		if p.HasLUT {
			what = "colours described by lookup tables (A2B0)"
		}
		return nil, fmt.Errorf("%w: %s %s profile %q: %s", ErrUnsupported, p.ColorSpace, p.Class, p.Name(), what)
	}
	t := &Transform{gray: p.ColorSpace == "GRAY", trc: p.TRC}
	inv := inverse3(srgbD50())
	if t.gray {
		// Little CMS maps grey Y to Y times the D50 white in the PCS.
		d := [3]float64{D50.X, D50.Y, D50.Z}
		for r := 0; r < 3; r++ {
			t.m[r*3] = float32(inv[r*3]*d[0] + inv[r*3+1]*d[1] + inv[r*3+2]*d[2])
		}
		t.trc[1], t.trc[2] = t.trc[0], t.trc[0]
	} else {
		src := [9]float64{
			p.Colorants[0].X, p.Colorants[1].X, p.Colorants[2].X,
			p.Colorants[0].Y, p.Colorants[1].Y, p.Colorants[2].Y,
			p.Colorants[0].Z, p.Colorants[1].Z, p.Colorants[2].Z,
		}
		mm := mul3(inv, src)
		for i := range mm {
			t.m[i] = float32(mm[i])
		}
	}
	t.ident = t.nearIdentity()
	return t, nil
}

// Gray reports whether the source is a grey profile (one sample per pixel).
func (t *Transform) Gray() bool { return t.gray }

// Channels is the number of colour samples per source pixel: 1 or 3.
func (t *Transform) Channels() int {
	if t.gray {
		return 1
	}
	return 3
}

// SRGB reports whether the transform changes no 8-bit value by more than
// one step anywhere on a grid of the source's colours (an sRGB profile, or
// one that differs from it only by rounding): such sources can be
// published as they are.
func (t *Transform) SRGB() bool { return t.ident }

func (t *Transform) nearIdentity() bool {
	var src [3]byte
	var dst [3]byte
	const step = 15
	for r := 0; r <= 255; r += step {
		for g := 0; g <= 255; g += step {
			for b := 0; b <= 255; b += step {
				if t.gray && (g != r || b != r) {
					continue
				}
				src = [3]byte{byte(r), byte(g), byte(b)}
				if t.gray {
					t.Convert8(dst[:], 3, src[:1], 1, 1)
				} else {
					t.Convert8(dst[:], 3, src[:], 3, 1)
				}
				for i := range 3 {
					if d := int(dst[i]) - int(src[i]); d > 1 || d < -1 {
						return false
					}
				}
			}
		}
	}
	return true
}

// Convert8 converts n pixels of 8-bit samples: src holds srcStep samples
// per pixel, the first Channels() of which are the colour (further ones,
// such as alpha, are skipped); dst receives dstStep bytes per pixel: R, G,
// B, and a fourth byte (alpha) that is left as it is when dstStep is 4. A
// grey source may also be written with dstStep 1 (grey sRGB, R = G = B).
// dst and src may be the same slice when dstStep == srcStep. A band of rows
// with no padding between them is a single call with n = width*rows.
func (t *Transform) Convert8(dst []byte, dstStep int, src []byte, srcStep int, n int) {
	t.once8.Do(func() {
		for c := range 3 {
			for i := range 256 {
				t.lin8[c][i] = float32(t.trc[c].Eval(float64(i) / 255))
			}
		}
	})
	t.check(len(dst), dstStep, len(src), srcStep, n)
	l0, l1, l2 := &t.lin8[0], &t.lin8[1], &t.lin8[2]
	if t.gray {
		for i := 0; i < n; i++ {
			t.put(dst[i*dstStep:], dstStep, l0[src[i*srcStep]], 0, 0)
		}
		return
	}
	for i := 0; i < n; i++ {
		s := src[i*srcStep : i*srcStep+3]
		t.put(dst[i*dstStep:], dstStep, l0[s[0]], l1[s[1]], l2[s[2]])
	}
}

// Convert16 is Convert8 for 16-bit samples (0-65535, in native order as
// image.RGBA64 or a TIFF decoder's byte-swapped strips hold them); the
// output is still 8-bit sRGB.
func (t *Transform) Convert16(dst []byte, dstStep int, src []uint16, srcStep int, n int) {
	t.oncew.Do(func() {
		for c := range 3 {
			if c > 0 && t.trc[c] == t.trc[0] {
				t.lin16[c] = t.lin16[0]
				continue
			}
			tab := make([]float32, 65536)
			for i := range tab {
				tab[i] = float32(t.trc[c].Eval(float64(i) / 65535))
			}
			t.lin16[c] = tab
		}
	})
	t.check(len(dst), dstStep, len(src), srcStep, n)
	l0, l1, l2 := t.lin16[0][:65536], t.lin16[1][:65536], t.lin16[2][:65536]
	if t.gray {
		for i := 0; i < n; i++ {
			t.put(dst[i*dstStep:], dstStep, l0[src[i*srcStep]], 0, 0)
		}
		return
	}
	for i := 0; i < n; i++ {
		s := src[i*srcStep : i*srcStep+3]
		t.put(dst[i*dstStep:], dstStep, l0[s[0]], l1[s[1]], l2[s[2]])
	}
}

func (t *Transform) check(ld, dstStep, ls, srcStep, n int) {
	if n <= 0 {
		return
	}
	ok := srcStep >= t.Channels() && (dstStep == 3 || dstStep == 4 || (dstStep == 1 && t.gray))
	if !ok || ld < (n-1)*dstStep+min(dstStep, 3) || ls < (n-1)*srcStep+t.Channels() {
		panic(fmt.Sprintf("icc: Convert of %d pixels: dst %d bytes step %d, src %d samples step %d (grey %v)", n, ld, dstStep, ls, srcStep, t.gray))
	}
}

// put writes one pixel whose linear source values are a, b, c (a alone
// for grey).
func (t *Transform) put(d []byte, step int, a, b, c float32) {
	m := &t.m
	if t.gray {
		if step == 1 {
			d[0] = encode(m[0] * a)
			return
		}
		d[0], d[1], d[2] = encode(m[0]*a), encode(m[3]*a), encode(m[6]*a)
		return
	}
	d[0] = encode(m[0]*a + m[1]*b + m[2]*c)
	d[1] = encode(m[3]*a + m[4]*b + m[5]*c)
	d[2] = encode(m[6]*a + m[7]*b + m[8]*c)
}

// encodeLUT is the sRGB transfer curve sampled at 65536 linear values.
var encodeLUT = func() *[65536]uint8 {
	var t [65536]uint8
	for i := range t {
		t[i] = uint8(math.Round(255 * srgbEncode(float64(i)/65535)))
	}
	return &t
}()

// encode clips a linear value to [0,1] and applies the sRGB curve.
func encode(v float32) uint8 {
	if !(v > 0) { // also NaN
		return 0
	}
	if v >= 1 {
		return 255
	}
	return encodeLUT[int(v*65535+0.5)]
}

// srgbEncode is the inverse of the sRGB curve of IEC 61966-2-1 as Little
// CMS writes it (parametric type 4: g 2.4, a 1/1.055, b 0.055/1.055,
// c 1/12.92, d 0.04045).
func srgbEncode(y float64) float64 {
	if y <= 0.04045/12.92 {
		return y * 12.92
	}
	return 1.055*math.Pow(y, 1/2.4) - 0.055
}

// srgbD50 is the matrix of linear sRGB to XYZ relative to D50, made as
// Little CMS makes its built-in sRGB profile (cmsCreate_sRGBProfile): the
// Rec. 709 primaries and the D65 white (x 0.3127, y 0.3290), adapted to
// D50 with Bradford.
func srgbD50() [9]float64 {
	prim := [3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}
	return rgbToXYZD50(prim, 0.3127, 0.3290)
}

// rgbToXYZD50 is the colorant matrix (columns R, G, B) of an RGB space with
// the primaries prim and the white (wx, wy), adapted to D50 with Bradford,
// as Little CMS computes it (_cmsBuildRGB2XYZtransferMatrix,
// _cmsAdaptMatrixToD50).
func rgbToXYZD50(prim [3][2]float64, wx, wy float64) [9]float64 {
	var p [9]float64
	for i, xy := range prim {
		p[0+i] = xy[0]
		p[3+i] = xy[1]
		p[6+i] = 1 - xy[0] - xy[1]
	}
	w := XYZ{wx / wy, 1, (1 - wx - wy) / wy}
	s := apply3(inverse3(p), [3]float64{w.X, w.Y, w.Z})
	var m [9]float64
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			m[r*3+c] = p[r*3+c] * s[c]
		}
	}
	return mul3(Bradford(w, D50), m)
}

// RGBToXYZD50 is rgbToXYZD50 for callers that write profiles (tests,
// fixtures): the colorant matrix, columns R, G, B, of primaries given as
// chromaticities x, y and a white point (wx, wy), adapted to D50.
func RGBToXYZD50(prim [3][2]float64, wx, wy float64) [9]float64 {
	return rgbToXYZD50(prim, wx, wy)
}

// Bradford is the chromatic adaptation matrix from the white src to the
// white dst by the linearized Bradford transform (ICC.1 Annex E), the
// default of Little CMS.
func Bradford(src, dst XYZ) [9]float64 {
	b := [9]float64{0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296}
	cs := apply3(b, [3]float64{src.X, src.Y, src.Z})
	cd := apply3(b, [3]float64{dst.X, dst.Y, dst.Z})
	d := [9]float64{cd[0] / cs[0], 0, 0, 0, cd[1] / cs[1], 0, 0, 0, cd[2] / cs[2]}
	return mul3(inverse3(b), mul3(d, b))
}

func mul3(a, b [9]float64) [9]float64 {
	var m [9]float64
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			m[r*3+c] = a[r*3]*b[c] + a[r*3+1]*b[3+c] + a[r*3+2]*b[6+c]
		}
	}
	return m
}

func apply3(m [9]float64, v [3]float64) [3]float64 {
	return [3]float64{
		m[0]*v[0] + m[1]*v[1] + m[2]*v[2],
		m[3]*v[0] + m[4]*v[1] + m[5]*v[2],
		m[6]*v[0] + m[7]*v[1] + m[8]*v[2],
	}
}

func inverse3(m [9]float64) [9]float64 {
	a, b, c := m[0], m[1], m[2]
	d, e, f := m[3], m[4], m[5]
	g, h, i := m[6], m[7], m[8]
	A, B, C := e*i-f*h, -(d*i - f*g), d*h-e*g
	det := a*A + b*B + c*C
	if det == 0 {
		return [9]float64{}
	}
	return [9]float64{
		A / det, -(b*i - c*h) / det, (b*f - c*e) / det,
		B / det, (a*i - c*g) / det, -(a*f - c*d) / det,
		C / det, -(a*h - b*g) / det, (a*e - b*d) / det,
	}
}
