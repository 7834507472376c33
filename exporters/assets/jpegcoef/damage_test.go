package jpegcoef

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// scanStart returns the index of the first entropy-coded byte of data.
func scanStart(t *testing.T, data []byte) int {
	t.Helper()
	i := bytes.Index(data, []byte{0xFF, 0xDA})
	if i < 0 {
		t.Fatal("no SOS")
	}
	return i + 2 + int(data[i+2])<<8 | int(data[i+3])
}

// mcuBlocks returns the coefficients of one MCU of m, every component.
func mcuBlocks(m *Image, mcu int) []int16 {
	var out []int16
	my, mx := mcu/m.mcusX, mcu%m.mcusX
	for ci := range m.comps {
		c := &m.comps[ci]
		for v := 0; v < c.v; v++ {
			for h := 0; h < c.h; h++ {
				off := ((my*c.v+v)*c.bw + mx*c.h + h) * 64
				out = append(out, c.coef[off:off+64]...)
			}
		}
	}
	return out
}

// lostMCUs compares a repaired decode with the intact one: every MCU is
// either the intact MCU or all zero; it returns the zero ones.
func lostMCUs(t *testing.T, got, want *Image) []int {
	t.Helper()
	var lost []int
	for mcu := 0; mcu < want.mcusX*want.mcusY; mcu++ {
		g, w := mcuBlocks(got, mcu), mcuBlocks(want, mcu)
		switch {
		case slices.Equal(g, w):
		case !slices.ContainsFunc(g, func(v int16) bool { return v != 0 }):
			lost = append(lost, mcu)
		default:
			t.Fatalf("MCU %d holds coefficients that are neither the intact ones nor mid-grey", mcu)
		}
	}
	return lost
}

func TestTruncatedIsRepaired(t *testing.T) {
	data := encode(t, photo(64, 64, 2, false), 90)
	intact, err := Decode(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if intact.Damage.Damaged() {
		t.Fatalf("intact file reported as damaged: %v", intact.Damage)
	}
	start := scanStart(t, data)
	// Cut inside the headers: an error, nothing to show.
	for n := 0; n < start; n += 7 {
		if _, err := Decode(data[:n], 1<<20); err == nil {
			t.Fatalf("file cut at %d, inside its headers, accepted", n)
		}
	}
	// Cut inside the scan: what arrived is kept, the rest is mid-grey.
	for n := start + 300; n < len(data)-2; n += 97 {
		m, err := Decode(data[:n], 1<<20)
		if err != nil {
			t.Fatalf("cut at %d of %d: %v", n, len(data), err)
		}
		if m.Damage.Lost == 0 || !strings.Contains(m.Damage.String(), "truncated") {
			t.Fatalf("cut at %d: damage %q", n, m.Damage)
		}
		lost := lostMCUs(t, m, intact)
		if len(lost) != m.Damage.Lost {
			t.Fatalf("cut at %d: %d MCUs zero, Damage says %d", n, len(lost), m.Damage.Lost)
		}
		// The lost MCUs are the last ones, in one run.
		total := intact.mcusX * intact.mcusY
		if lost[0] != total-len(lost) {
			t.Fatalf("cut at %d: lost MCUs %v are not the tail of %d", n, lost, total)
		}
	}
	// Only the EOI missing: no pixel lost, a note.
	m, err := Decode(data[:len(data)-2], 1<<20)
	if err != nil || m.Damage.Lost != 0 || !strings.Contains(m.Damage.String(), "end-of-image") {
		t.Fatalf("missing EOI: %v, %v", err, m.Damage)
	}
	// A cut right after the headers leaves nothing usable: an error.
	if _, err := Decode(data[:start+1], 1<<20); err == nil || !strings.Contains(err.Error(), "no usable image data") {
		t.Fatalf("cut after the headers: %v", err)
	}
}

// restartIntervals returns the byte offsets of the RST markers in data.
func restartMarkers(data []byte, from int) []int {
	var at []int
	for i := from; i+1 < len(data); i++ {
		if data[i] == 0xFF && data[i+1] >= 0xD0 && data[i+1] <= 0xD7 {
			at = append(at, i)
		}
	}
	return at
}

func TestCorruptIntervalIsRepaired(t *testing.T) {
	data := readFixture(t, "restart420.jpg") // DRI every 5 MCUs
	intact, err := Decode(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	rsts := restartMarkers(data, scanStart(t, data))
	if len(rsts) < 6 {
		t.Fatalf("fixture has %d restart markers", len(rsts))
	}
	cases := []struct {
		name   string
		damage func(d []byte) []byte
		want   string
		lost   []int // MCUs expected lost
	}{
		{"garbage in the third interval", func(d []byte) []byte {
			// Overwrite the middle of interval 2 (between RST1 and RST2)
			// with a byte run no Huffman table decodes into the right
			// number of coefficients.
			a, b := rsts[1]+2, rsts[2]
			for i := a + (b-a)/3; i < b-1; i++ {
				d[i] = 0xFE
			}
			return d
		}, "", []int{10, 11, 12, 13, 14}},
		{"a restart marker missing", func(d []byte) []byte {
			return slices.Delete(d, rsts[3], rsts[3]+2)
		}, "restart marker(s) missing", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.damage(append([]byte(nil), data...))
			m, err := Decode(d, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if !m.Damage.Damaged() || !strings.Contains(m.Damage.String(), tc.want) {
				t.Fatalf("damage %q, want %q", m.Damage, tc.want)
			}
			lost := lostMCUs(t, m, intact)
			if len(lost) == 0 || len(lost) > 10 {
				t.Fatalf("lost MCUs %v: the damage should cost one or two intervals", lost)
			}
			if tc.lost != nil {
				for _, mcu := range lost {
					if !slices.Contains(tc.lost, mcu) {
						t.Fatalf("lost %v, outside the damaged interval %v", lost, tc.lost)
					}
				}
			}
			// Every later interval is intact again.
			last := lost[len(lost)-1]
			for mcu := last + 1; mcu < intact.mcusX*intact.mcusY; mcu++ {
				if !slices.Equal(mcuBlocks(m, mcu), mcuBlocks(intact, mcu)) {
					t.Fatalf("MCU %d after the damage differs", mcu)
				}
			}
		})
	}
}

// TestDamagedLikeLibjpeg decodes damaged files with libjpeg-turbo's djpeg,
// the reference every other tool follows, and requires the same picture:
// the part that arrived, then mid-grey.
func TestDamagedLikeLibjpeg(t *testing.T) {
	djpeg, err := exec.LookPath("djpeg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("djpeg not found (Debian package libjpeg-turbo-progs); CI must install it")
		}
		t.Skip("djpeg not found: apt-get install libjpeg-turbo-progs to compare damaged decodes with libjpeg")
	}
	intactData := readFixture(t, "optimized420.jpg")
	start := scanStart(t, intactData)
	for _, cut := range []int{start + (len(intactData)-start)/3, start + 2*(len(intactData)-start)/3} {
		data := intactData[:cut]
		m, err := Decode(data, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		img, err := m.Scaled(1)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(djpeg, "-pnm", "-dct", "float", "-nosmooth")
		cmd.Stdin = bytes.NewReader(data)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		_ = cmd.Run() // exit status 2: a warning was printed
		if !strings.Contains(stderr.String(), "Premature end") {
			t.Fatalf("djpeg said %q", stderr.String())
		}
		ref := readPPM(t, out.Bytes())
		if ref.Bounds() != img.Bounds() {
			t.Fatalf("djpeg %v, ours %v", ref.Bounds(), img.Bounds())
		}
		// Compare cell by cell (16x16, the MCU): the MCU where the data
		// stops may differ (libjpeg decodes it from zero bits, this
		// package leaves it grey); every other cell agrees within the
		// rounding of the two IDCTs.
		b := img.Bounds()
		badCells, sum, n := 0, 0, 0
		for cy := 0; cy < b.Dy(); cy += 16 {
			for cx := 0; cx < b.Dx(); cx += 16 {
				cellSum, cellN, far := 0, 0, false
				for y := cy; y < min(cy+16, b.Dy()); y++ {
					for x := cx; x < min(cx+16, b.Dx()); x++ {
						r1, g1, b1, _ := img.At(x, y).RGBA()
						c := ref.RGBAAt(x, y)
						for _, d := range []int{int(r1>>8) - int(c.R), int(g1>>8) - int(c.G), int(b1>>8) - int(c.B)} {
							d = max(d, -d)
							cellSum += d
							cellN++
							far = far || d > 24
						}
					}
				}
				if far {
					badCells++
					continue
				}
				sum += cellSum
				n += cellN
			}
		}
		if mean := float64(sum) / float64(n); badCells > 1 || mean > 1.5 {
			t.Errorf("cut at %d: %d cells differ from libjpeg's, mean difference elsewhere %.2f", cut, badCells, mean)
		}
	}
}

func readPPM(t *testing.T, d []byte) *image.RGBA {
	t.Helper()
	var w, h, maxv int
	fields := 0
	i := 2
	vals := [3]*int{&w, &h, &maxv}
	for fields < 3 {
		for d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t' {
			i++
		}
		v := 0
		for d[i] >= '0' && d[i] <= '9' {
			v = v*10 + int(d[i]-'0')
			i++
		}
		*vals[fields] = v
		fields++
	}
	i++
	if string(d[:2]) != "P6" || maxv != 255 || len(d) < i+3*w*h {
		t.Fatalf("unexpected PPM header %q", d[:min(20, len(d))])
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for p := 0; p < w*h; p++ {
		img.Set(p%w, p/w, color.RGBA{d[i+3*p], d[i+3*p+1], d[i+3*p+2], 255})
	}
	return img
}
