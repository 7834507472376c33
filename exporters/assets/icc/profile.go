// Package icc reads ICC colour profiles (ICC.1:2010 and the older v2
// format), finds them in JPEG, PNG, TIFF and WebP files, and converts the
// samples of matrix/TRC RGB and grey profiles to 8-bit sRGB the way Little
// CMS does with the relative colorimetric intent: linearize through the
// profile's tone curves, 3x3 matrix to the D50 PCS (the profile's
// colorants), 3x3 matrix to linear sRGB (whose colorants are the sRGB
// primaries adapted from D65 to D50 with Bradford), clip, sRGB transfer
// curve.
//
// LUT-based profiles (A2B0 of type mft1, mft2, mAB; every CMYK profile and
// many camera profiles) are parsed far enough to name them (Profile.Description,
// Profile.ColorSpace), but NewTransform refuses them with ErrUnsupported.
//
// The package depends on nothing but the standard library (and
// model/imagemeta for TIFF directories) and knows nothing of image.Image: Transform converts rows or bands of interleaved samples.
package icc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
)

// XYZ is a CIE XYZ colour, Y = 1 for the white.
type XYZ struct{ X, Y, Z float64 }

// D50 is the ICC profile connection space's illuminant (ICC.1 7.2.16).
var D50 = XYZ{0.9642, 1.0, 0.8249}

// Profile is what vitrine reads of an ICC profile.
type Profile struct {
	// Version is the profile's version, major in the high byte and minor
	// in the next nibble: 0x0210 is 2.1, 0x0430 is 4.3.
	Version uint16
	// Class is the device class signature: "mntr", "scnr", "prtr", "spac", ...
	Class string
	// ColorSpace is the data colour space signature, trimmed: "RGB",
	// "GRAY", "CMYK", ...
	ColorSpace string
	// PCS is the connection space signature, trimmed: "XYZ" or "Lab".
	PCS string
	// Description is the profile's description tag ('desc'), in English
	// when it has several languages; "" when absent.
	Description string
	// WhitePoint is the media white point ('wtpt'); zero when absent.
	WhitePoint XYZ
	// Chad is the chromatic adaptation matrix ('chad', row-major), nil
	// when absent. Informational: the colorants are already relative to
	// D50, and the relative intent does not use it (as Little CMS).
	Chad *[9]float64
	// Colorants are rXYZ, gXYZ and bXYZ of an RGB profile.
	Colorants [3]XYZ
	// TRC are the tone curves: rTRC, gTRC, bTRC of an RGB profile, kTRC
	// of a grey one in TRC[0].
	TRC [3]*Curve
	// HasLUT reports an A2B0 (or A2B1) tag: the profile describes its
	// colours by lookup tables, which this package does not apply.
	HasLUT bool
}

// Header signatures and tags used below.
const (
	headerSize = 128
	maxTags    = 1000
)

// ErrUnsupported is wrapped by NewTransform's error for a profile this
// package cannot apply (LUT-based, CMYK, Lab PCS without matrix/TRC tags).
var ErrUnsupported = errors.New("icc: profile not supported")

// Parse reads an ICC profile. It checks the header ("acsp" signature, the
// declared size) and the tag table, and reads the tags it knows; tags it
// does not know are ignored. Errors say which tag is damaged.
func Parse(b []byte) (*Profile, error) {
	if len(b) < headerSize+4 {
		return nil, fmt.Errorf("icc: profile of %d bytes is shorter than its header", len(b))
	}
	if string(b[36:40]) != "acsp" {
		return nil, errors.New("icc: no 'acsp' signature: not an ICC profile")
	}
	size := binary.BigEndian.Uint32(b[0:])
	if size < headerSize+4 || int64(size) > int64(len(b)) {
		return nil, fmt.Errorf("icc: header gives a size of %d bytes, the data has %d", size, len(b))
	}
	b = b[:size]
	p := &Profile{
		Version:    uint16(b[8])<<8 | uint16(b[9]),
		Class:      string(b[12:16]),
		ColorSpace: strings.TrimRight(string(b[16:20]), " "),
		PCS:        strings.TrimRight(string(b[20:24]), " "),
	}
	n := binary.BigEndian.Uint32(b[headerSize:])
	if n > maxTags || int64(headerSize+4)+12*int64(n) > int64(len(b)) {
		return nil, fmt.Errorf("icc: tag table of %d entries does not fit in %d bytes", n, len(b))
	}
	tags := map[string][]byte{}
	for i := 0; i < int(n); i++ {
		e := b[headerSize+4+12*i:]
		sig := string(e[:4])
		off, ln := binary.BigEndian.Uint32(e[4:]), binary.BigEndian.Uint32(e[8:])
		if uint64(off)+uint64(ln) > uint64(len(b)) || ln < 8 {
			return nil, fmt.Errorf("icc: tag %q at %d+%d lies outside the %d-byte profile", sig, off, ln, len(b))
		}
		tags[sig] = b[off : off+ln]
	}
	if d, ok := tags["desc"]; ok {
		p.Description = readText(d)
	}
	var err error
	if t, ok := tags["wtpt"]; ok {
		if p.WhitePoint, err = readXYZ(t); err != nil {
			return nil, fmt.Errorf("icc: wtpt: %w", err)
		}
	}
	if t, ok := tags["chad"]; ok {
		m, err := readMatrix(t)
		if err != nil {
			return nil, fmt.Errorf("icc: chad: %w", err)
		}
		p.Chad = &m
	}
	_, a0 := tags["A2B0"]
	_, a1 := tags["A2B1"]
	p.HasLUT = a0 || a1
	switch p.ColorSpace {
	case "RGB":
		for i, c := range []string{"r", "g", "b"} {
			x, okX := tags[c+"XYZ"]
			t, okT := tags[c+"TRC"]
			if !okX || !okT {
				continue
			}
			if p.Colorants[i], err = readXYZ(x); err != nil {
				return nil, fmt.Errorf("icc: %sXYZ: %w", c, err)
			}
			if p.TRC[i], err = ParseCurve(t); err != nil {
				return nil, fmt.Errorf("icc: %sTRC: %w", c, err)
			}
		}
	case "GRAY":
		if t, ok := tags["kTRC"]; ok {
			if p.TRC[0], err = ParseCurve(t); err != nil {
				return nil, fmt.Errorf("icc: kTRC: %w", err)
			}
		}
	}
	return p, nil
}

// MatrixTRC reports whether the profile can be applied by this package: an
// RGB profile with three colorants and three tone curves, or a grey one
// with kTRC, relative to an XYZ or Lab PCS (the matrix/TRC model is always
// relative to XYZ D50). Little CMS too prefers the matrix/TRC tags of a
// display profile over its LUTs only when there are no LUTs; a profile with
// both is applied here by its matrix and curves, which is what a display
// profile's LUTs encode.
func (p *Profile) MatrixTRC() bool {
	switch p.ColorSpace {
	case "RGB":
		return p.TRC[0] != nil && p.TRC[1] != nil && p.TRC[2] != nil
	case "GRAY":
		return p.TRC[0] != nil
	}
	return false
}

// Name is the description, or a name made of the class and colour space
// when the profile has none, for messages.
func (p *Profile) Name() string {
	if p.Description != "" {
		return p.Description
	}
	return fmt.Sprintf("unnamed %s %s profile", p.ColorSpace, p.Class)
}

func s15f16(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

func readXYZ(t []byte) (XYZ, error) {
	if len(t) < 20 || string(t[:4]) != "XYZ " {
		return XYZ{}, errors.New("not an XYZType of at least one value")
	}
	return XYZ{s15f16(t[8:]), s15f16(t[12:]), s15f16(t[16:])}, nil
}

func readMatrix(t []byte) ([9]float64, error) {
	var m [9]float64
	if len(t) < 8+36 || string(t[:4]) != "sf32" {
		return m, errors.New("not an s15Fixed16ArrayType of 9 values")
	}
	for i := range m {
		m[i] = s15f16(t[8+4*i:])
	}
	return m, nil
}

// readText reads a textDescriptionType (v2 'desc'), a
// multiLocalizedUnicodeType (v4 'mluc', English preferred) or a textType.
func readText(t []byte) string {
	if len(t) < 12 {
		return ""
	}
	clean := func(s string) string {
		s = strings.TrimRight(s, "\x00")
		return strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, s)
	}
	switch string(t[:4]) {
	case "desc":
		n := binary.BigEndian.Uint32(t[8:])
		if uint64(n) > uint64(len(t)-12) {
			return ""
		}
		return clean(string(t[12 : 12+n]))
	case "text":
		return clean(string(t[8:]))
	case "mluc":
		if len(t) < 16 {
			return ""
		}
		n := int(binary.BigEndian.Uint32(t[8:]))
		rs := int(binary.BigEndian.Uint32(t[12:]))
		if rs < 12 || n <= 0 || n > 1000 || 16+n*rs > len(t) {
			return ""
		}
		best := ""
		for i := 0; i < n; i++ {
			r := t[16+i*rs:]
			lang := string(r[:2])
			ln, off := binary.BigEndian.Uint32(r[4:]), binary.BigEndian.Uint32(r[8:])
			if uint64(off)+uint64(ln) > uint64(len(t)) || ln%2 != 0 {
				continue
			}
			u := make([]uint16, ln/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(t[int(off)+2*j:])
			}
			s := clean(string(utf16.Decode(u)))
			if best == "" || lang == "en" {
				best = s
			}
			if lang == "en" {
				break
			}
		}
		return best
	}
	return ""
}

// Curve is a tone curve (curveType or parametricCurveType): Eval maps a
// device value in [0,1] to a linear one.
type Curve struct {
	// Gamma is set for a pure power law (a curv with one entry, a para of
	// type 0); Table for a sampled curv; Fn and Params for para types 1-4.
	Gamma  float64
	Table  []uint16
	Fn     int
	Params []float64
}

// ParseCurve reads a curv or para tag.
func ParseCurve(t []byte) (*Curve, error) {
	if len(t) < 12 {
		return nil, errors.New("curve tag too short")
	}
	switch string(t[:4]) {
	case "curv":
		n := binary.BigEndian.Uint32(t[8:])
		if uint64(n)*2 > uint64(len(t)-12) {
			return nil, fmt.Errorf("curv of %d entries in %d bytes", n, len(t))
		}
		switch n {
		case 0:
			return &Curve{Gamma: 1}, nil
		case 1:
			g := float64(binary.BigEndian.Uint16(t[12:])) / 256
			if g <= 0 {
				return nil, errors.New("curv gamma of 0")
			}
			return &Curve{Gamma: g}, nil
		}
		tab := make([]uint16, n)
		for i := range tab {
			tab[i] = binary.BigEndian.Uint16(t[12+2*i:])
		}
		return &Curve{Table: tab}, nil
	case "para":
		fn := int(binary.BigEndian.Uint16(t[8:]))
		np := []int{1, 3, 4, 5, 7}
		if fn >= len(np) {
			return nil, fmt.Errorf("para function type %d (only 0-4 exist)", fn)
		}
		if len(t) < 12+4*np[fn] {
			return nil, fmt.Errorf("para type %d needs %d parameters", fn, np[fn])
		}
		ps := make([]float64, np[fn])
		for i := range ps {
			ps[i] = s15f16(t[12+4*i:])
		}
		if fn == 0 {
			if ps[0] <= 0 {
				return nil, errors.New("para gamma of 0 or less")
			}
			return &Curve{Gamma: ps[0]}, nil
		}
		return &Curve{Fn: fn, Params: ps}, nil
	}
	return nil, fmt.Errorf("tone curve of type %q (want curv or para)", t[:4])
}

// Eval maps x in [0,1] through the curve, clamped to [0,1] (ICC.1 10.6,
// 10.18; a table is interpolated linearly, as Little CMS does).
func (c *Curve) Eval(x float64) float64 {
	x = clamp01(x)
	var y float64
	switch {
	case c.Table != nil:
		n := len(c.Table) - 1
		f := x * float64(n)
		i := int(f)
		if i >= n {
			y = float64(c.Table[n]) / 65535
			break
		}
		w := f - float64(i)
		y = (float64(c.Table[i])*(1-w) + float64(c.Table[i+1])*w) / 65535
	case c.Fn == 0:
		y = math.Pow(x, c.Gamma)
	default:
		p := c.Params
		g, a, b := p[0], p[1], p[2]
		pw := func(v float64) float64 {
			if v <= 0 {
				return 0
			}
			return math.Pow(v, g)
		}
		switch c.Fn {
		case 1:
			if a != 0 && x >= -b/a {
				y = pw(a*x + b)
			}
		case 2:
			y = p[3]
			if a != 0 && x >= -b/a {
				y = pw(a*x+b) + p[3]
			}
		case 3:
			if x >= p[4] {
				y = pw(a*x + b)
			} else {
				y = p[3] * x
			}
		case 4:
			if x >= p[4] {
				y = pw(a*x+b) + p[5]
			} else {
				y = p[3]*x + p[6]
			}
		}
	}
	return clamp01(y)
}

func clamp01(v float64) float64 {
	if v < 0 || v != v {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}
