// Package icctest writes ICC profiles of the working spaces cultural
// heritage masters use, from their published primaries, white points and
// tone curves, for tests and fixtures: nobody's profile file is copied. The
// profiles are matrix/TRC display profiles whose colorants are adapted to
// D50 with Bradford (the chad tag says from what white), as ICC.1 requires;
// each embeds its tone curve as the curve type named in its doc.
package icctest

import (
	"bytes"
	"encoding/binary"
	"math"
	"unicode/utf16"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
)

// Curve is a tone curve to write: Gamma (a one-entry curv, 8.8 fixed
// point), Table (a sampled curv) or Para (a parametricCurveType of
// function type ParaFn with those parameters).
type Curve struct {
	Gamma  float64
	Table  []uint16
	ParaFn int
	Para   []float64
}

// Spec describes a profile to write.
type Spec struct {
	Description string
	// V4 writes version 4.3 with an mluc description; else 2.1 with desc.
	V4 bool
	// Gray writes a grey profile (kTRC only); else RGB.
	Gray bool
	// Primaries (x, y of red, green, blue) and the white's (x, y).
	Primaries [3][2]float64
	White     [2]float64
	TRC       Curve
}

var d65 = [2]float64{0.3127, 0.3290}
var d50 = [2]float64{0.3457, 0.3585}

// AdobeRGB is Adobe RGB (1998): its primaries, D65, gamma 563/256.
func AdobeRGB() []byte {
	return Encode(Spec{Description: "Adobe RGB (1998) (test)", Primaries: [3][2]float64{{0.64, 0.33}, {0.21, 0.71}, {0.15, 0.06}}, White: d65, TRC: Curve{Gamma: 563.0 / 256}})
}

// ProPhotoRGB is ROMM RGB: its primaries, D50, gamma 1.8 (as a para of
// type 0), version 4.
func ProPhotoRGB() []byte {
	return Encode(Spec{Description: "ProPhoto RGB (test)", V4: true, Primaries: [3][2]float64{{0.7347, 0.2653}, {0.1596, 0.8404}, {0.0366, 0.0001}}, White: d50, TRC: Curve{ParaFn: 0, Para: []float64{1.8}}})
}

// DisplayP3 is Display P3: the DCI-P3 primaries, D65, the sRGB curve (para
// of type 3), version 4.
func DisplayP3() []byte {
	return Encode(Spec{Description: "Display P3 (test)", V4: true, Primaries: [3][2]float64{{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}}, White: d65,
		TRC: Curve{ParaFn: 3, Para: []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045}}})
}

// ECIRGBv2 is eciRGB v2: its primaries, D50, the L* curve as a table of
// 1024 entries.
func ECIRGBv2() []byte {
	tab := make([]uint16, 1024)
	for i := range tab {
		l := float64(i) / 1023 // L*/100
		var y float64
		if l > 0.08 {
			y = math.Pow((l*100+16)/116, 3)
		} else {
			y = l * 100 / 903.2963
		}
		tab[i] = uint16(math.Round(y * 65535))
	}
	return Encode(Spec{Description: "eciRGB v2 (test)", V4: true, Primaries: [3][2]float64{{0.67, 0.33}, {0.21, 0.71}, {0.14, 0.08}}, White: d50, TRC: Curve{Table: tab}})
}

// GrayGamma is a grey profile with a D50 white and a gamma curve (curv),
// as scanners write for greyscale masters.
func GrayGamma(g float64) []byte {
	return Encode(Spec{Description: "Gray Gamma (test)", Gray: true, White: d50, TRC: Curve{Gamma: g}})
}

// SRGB is sRGB IEC 61966-2.1 written as a v2 profile with a 1024-entry
// table, as the common sRGB profile embedded by cameras and editors: it is
// equivalent to sRGB, so masters tagged with it keep the fast path.
func SRGB() []byte {
	tab := make([]uint16, 1024)
	for i := range tab {
		v := float64(i) / 1023
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		tab[i] = uint16(math.Round(v * 65535))
	}
	return Encode(Spec{Description: "sRGB IEC61966-2.1 (test)", Primaries: [3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}, White: d65, TRC: Curve{Table: tab}})
}

// Encode writes the profile s describes.
func Encode(s Spec) []byte {
	type tag struct {
		sig  string
		data []byte
	}
	var tags []tag
	add := func(sig string, data []byte) { tags = append(tags, tag{sig, data}) }
	if s.V4 {
		add("desc", mluc(s.Description))
		add("cprt", mluc("No copyright, test profile"))
	} else {
		add("desc", desc(s.Description))
		add("cprt", text("No copyright, test profile"))
	}
	add("wtpt", xyz(icc.D50))
	white := icc.XYZ{X: s.White[0] / s.White[1], Y: 1, Z: (1 - s.White[0] - s.White[1]) / s.White[1]}
	add("chad", sf32(icc.Bradford(white, icc.D50)))
	trc := curve(s.TRC)
	if s.Gray {
		add("kTRC", trc)
	} else {
		m := icc.RGBToXYZD50(s.Primaries, s.White[0], s.White[1])
		for i, c := range []string{"r", "g", "b"} {
			add(c+"XYZ", xyz(icc.XYZ{X: m[i], Y: m[3+i], Z: m[6+i]}))
		}
		for _, c := range []string{"r", "g", "b"} {
			add(c+"TRC", trc)
		}
	}
	var body bytes.Buffer
	offs := make([]int, len(tags))
	base := 128 + 4 + 12*len(tags)
	for i, t := range tags {
		for (base+body.Len())%4 != 0 {
			body.WriteByte(0)
		}
		offs[i] = base + body.Len()
		body.Write(t.data)
	}
	for (base+body.Len())%4 != 0 {
		body.WriteByte(0)
	}
	var out bytes.Buffer
	h := make([]byte, 128)
	total := base + body.Len()
	binary.BigEndian.PutUint32(h[0:], uint32(total))
	copy(h[4:], "none")
	if s.V4 {
		h[8], h[9] = 4, 0x30
	} else {
		h[8], h[9] = 2, 0x10
	}
	copy(h[12:], "mntr")
	if s.Gray {
		copy(h[16:], "GRAY")
	} else {
		copy(h[16:], "RGB ")
	}
	copy(h[20:], "XYZ ")
	binary.BigEndian.PutUint16(h[24:], 2026) // date: 2026-01-01
	binary.BigEndian.PutUint16(h[26:], 1)
	binary.BigEndian.PutUint16(h[28:], 1)
	copy(h[36:], "acsp")
	copy(h[68:], s15(icc.D50.X))
	copy(h[72:], s15(icc.D50.Y))
	copy(h[76:], s15(icc.D50.Z))
	out.Write(h)
	binary.Write(&out, binary.BigEndian, uint32(len(tags)))
	for i, t := range tags {
		out.WriteString(t.sig)
		binary.Write(&out, binary.BigEndian, uint32(offs[i]))
		binary.Write(&out, binary.BigEndian, uint32(len(t.data)))
	}
	out.Write(body.Bytes())
	return out.Bytes()
}

func s15(v float64) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(int32(math.Round(v*65536))))
	return b
}

func xyz(v icc.XYZ) []byte {
	b := []byte("XYZ \x00\x00\x00\x00")
	b = append(b, s15(v.X)...)
	b = append(b, s15(v.Y)...)
	return append(b, s15(v.Z)...)
}

func sf32(m [9]float64) []byte {
	b := []byte("sf32\x00\x00\x00\x00")
	for _, v := range m {
		b = append(b, s15(v)...)
	}
	return b
}

func curve(c Curve) []byte {
	var b bytes.Buffer
	switch {
	case c.Para != nil:
		b.WriteString("para\x00\x00\x00\x00")
		binary.Write(&b, binary.BigEndian, uint16(c.ParaFn))
		b.Write([]byte{0, 0})
		for _, v := range c.Para {
			b.Write(s15(v))
		}
	case c.Table != nil:
		b.WriteString("curv\x00\x00\x00\x00")
		binary.Write(&b, binary.BigEndian, uint32(len(c.Table)))
		binary.Write(&b, binary.BigEndian, c.Table)
	default:
		b.WriteString("curv\x00\x00\x00\x00")
		binary.Write(&b, binary.BigEndian, uint32(1))
		binary.Write(&b, binary.BigEndian, uint16(math.Round(c.Gamma*256)))
	}
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

func desc(s string) []byte {
	var b bytes.Buffer
	b.WriteString("desc\x00\x00\x00\x00")
	binary.Write(&b, binary.BigEndian, uint32(len(s)+1))
	b.WriteString(s)
	b.WriteByte(0)
	b.Write(make([]byte, 4+4+2+1+67)) // no Unicode, no ScriptCode
	return b.Bytes()
}

func text(s string) []byte { return append([]byte("text\x00\x00\x00\x00"+s), 0) }

func mluc(s string) []byte {
	u := utf16.Encode([]rune(s))
	var b bytes.Buffer
	b.WriteString("mluc\x00\x00\x00\x00")
	binary.Write(&b, binary.BigEndian, uint32(1))
	binary.Write(&b, binary.BigEndian, uint32(12))
	b.WriteString("enUS")
	binary.Write(&b, binary.BigEndian, uint32(2*len(u)))
	binary.Write(&b, binary.BigEndian, uint32(28))
	binary.Write(&b, binary.BigEndian, u)
	return b.Bytes()
}

// CMYKLUT is the shell of a CMYK output profile, as printers' profiles
// (FOGRA, SWOP) are: a Lab PCS, a description and A2B0/B2A0 tags of type
// mft2 whose tables are left empty. It parses, names itself, and cannot be
// applied by a matrix/TRC engine, which is what tests need of it.
func CMYKLUT(description string) []byte {
	p := Encode(Spec{Description: description, V4: false, Gray: true, White: d50, TRC: Curve{Gamma: 1}})
	// Turn the grey shell into a CMYK printer profile with LUT tags:
	// header fields, then two tags appended (their tables are empty).
	p = append([]byte(nil), p...)
	copy(p[12:], "prtr")
	copy(p[16:], "CMYK")
	copy(p[20:], "Lab ")
	n := binary.BigEndian.Uint32(p[128:])
	lut := append([]byte("mft2\x00\x00\x00\x00"), 4, 3, 2, 0)
	lut = append(lut, make([]byte, 36+4)...)
	// Re-lay the file: header, tag table with two more entries, data.
	tableEnd := 132 + 12*int(n)
	body := p[tableEnd:]
	shift := 24
	var out bytes.Buffer
	out.Write(p[:128])
	binary.Write(&out, binary.BigEndian, n+2)
	for i := 0; i < int(n); i++ {
		e := p[132+12*i:]
		out.Write(e[:4])
		binary.Write(&out, binary.BigEndian, binary.BigEndian.Uint32(e[4:])+uint32(shift))
		out.Write(e[8:12])
	}
	end := uint32(len(p) + shift)
	for _, sig := range []string{"A2B0", "B2A0"} {
		out.WriteString(sig)
		binary.Write(&out, binary.BigEndian, end)
		binary.Write(&out, binary.BigEndian, uint32(len(lut)))
	}
	out.Write(body)
	out.Write(lut)
	b := out.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}
