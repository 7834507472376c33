package jpegcoef

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// photo makes photo-like content: smooth gradients, a few edges and noise,
// so every coefficient range and Huffman code length gets exercised.
func photo(w, h int, seed int64, gray bool) image.Image {
	rng := rand.New(rand.NewSource(seed))
	fill := func(set func(x, y int, r, g, b uint8)) {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				fx, fy := float64(x)/float64(w), float64(y)/float64(h)
				r := 128 + 100*math.Sin(6*fx+2*fy) + rng.NormFloat64()*12
				g := 128 + 90*math.Cos(4*fy-3*fx) + rng.NormFloat64()*12
				b := 255 * fx * fy
				if (x/37+y/53)%5 == 0 {
					r, g = 255-r, 20
				}
				set(x, y, c8(r), c8(g), c8(b))
			}
		}
	}
	if gray {
		img := image.NewGray(image.Rect(0, 0, w, h))
		fill(func(x, y int, r, g, b uint8) { img.Pix[y*img.Stride+x] = uint8((int(r) + int(g) + int(b)) / 3) })
		return img
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(func(x, y int, r, g, b uint8) { img.SetRGBA(x, y, color.RGBA{r, g, b, 255}) })
	return img
}

func c8(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func encode(t testing.TB, img image.Image, q int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// planes returns the sample planes of a decoded image with their sizes.
type plane struct {
	pix    []byte
	stride int
	w, h   int
}

func planesOf(img image.Image) []plane {
	switch p := img.(type) {
	case *image.Gray:
		return []plane{{p.Pix, p.Stride, p.Rect.Dx(), p.Rect.Dy()}}
	case *image.YCbCr:
		// image/jpeg pads its planes to whole MCUs; the canonical layout of
		// the bounds says how many chroma samples belong to the image.
		std := image.NewYCbCr(p.Rect, p.SubsampleRatio)
		cw, ch := std.CStride, len(std.Cb)/max(std.CStride, 1)
		return []plane{{p.Y, p.YStride, p.Rect.Dx(), p.Rect.Dy()}, {p.Cb, p.CStride, cw, ch}, {p.Cr, p.CStride, cw, ch}}
	}
	panic(fmt.Sprintf("unexpected %T", img))
}

// checkCrops cuts the master along a tile grid and requires every crop,
// decoded by image/jpeg, to hold exactly the master's samples.
func checkCrops(t *testing.T, data []byte, tile int) {
	t.Helper()
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(data, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if m.Width != ref.Bounds().Dx() || m.Height != ref.Bounds().Dy() {
		t.Fatalf("size %dx%d, want %v", m.Width, m.Height, ref.Bounds())
	}
	mw, mh := m.MCUSize()
	if tile%mw != 0 || tile%mh != 0 {
		t.Fatalf("tile %d not a multiple of MCU %dx%d", tile, mw, mh)
	}
	rp := planesOf(ref)
	for y0 := 0; y0 < m.Height; y0 += tile {
		for x0 := 0; x0 < m.Width; x0 += tile {
			r := image.Rect(x0, y0, min(x0+tile, m.Width), min(y0+tile, m.Height))
			var buf bytes.Buffer
			if err := m.WriteCrop(&buf, r); err != nil {
				t.Fatalf("crop %v: %v", r, err)
			}
			got, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("crop %v: decoding: %v", r, err)
			}
			if got.Bounds() != image.Rect(0, 0, r.Dx(), r.Dy()) {
				t.Fatalf("crop %v: bounds %v", r, got.Bounds())
			}
			if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", ref) {
				t.Fatalf("crop type %T, master %T", got, ref)
			}
			if yc, ok := got.(*image.YCbCr); ok && yc.SubsampleRatio != ref.(*image.YCbCr).SubsampleRatio {
				t.Fatalf("crop ratio %v", yc.SubsampleRatio)
			}
			for i, gp := range planesOf(got) {
				sx, sy := 1, 1
				if i > 0 {
					sx, sy = mw/8, mh/8
				}
				ox, oy := x0/sx, y0/sy
				for y := 0; y < gp.h; y++ {
					a := gp.pix[y*gp.stride : y*gp.stride+gp.w]
					b := rp[i].pix[(oy+y)*rp[i].stride+ox : (oy+y)*rp[i].stride+ox+gp.w]
					if !bytes.Equal(a, b) {
						t.Fatalf("crop %v plane %d row %d differs", r, i, y)
					}
				}
			}
		}
	}
}

func TestLosslessCrop(t *testing.T) {
	sizes := [][2]int{{1000, 733}, {640, 480}, {17, 9}, {2, 2}}
	for _, gray := range []bool{false, true} {
		for si, sz := range sizes {
			for _, q := range []int{50, 90, 100} {
				data := encode(t, photo(sz[0], sz[1], int64(si), gray), q)
				for _, tile := range []int{64, 48} {
					t.Run(fmt.Sprintf("gray=%v/%dx%d/q%d/t%d", gray, sz[0], sz[1], q, tile), func(t *testing.T) {
						checkCrops(t, data, tile)
					})
				}
			}
		}
	}
}

// The DHT we write must be T.81 Annex K.3's, which image/jpeg also writes:
// compare against the tables in one of its files.
func TestStandardTables(t *testing.T) {
	data := encode(t, photo(16, 16, 1, false), 75)
	var got []byte
	for i := 2; i+4 < len(data); {
		L := int(data[i+2])<<8 | int(data[i+3])
		if data[i+1] == 0xC4 {
			got = append(got, data[i+4:i+2+L]...)
		}
		if data[i+1] == 0xDA {
			break
		}
		i += 2 + L
	}
	var want []byte
	for _, p := range [][]byte{{0x00}, stdDCLumCounts, stdDCLumVals, {0x10}, stdACLumCounts, stdACLumVals,
		{0x01}, stdDCChrCounts, stdDCChrVals, {0x11}, stdACChrCounts, stdACChrVals} {
		want = append(want, p...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("standard tables differ from image/jpeg's")
	}
}

func TestCropBytesAndErrors(t *testing.T) {
	data := encode(t, photo(40, 24, 3, false), 80)
	m, err := Decode(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := m.WriteCrop(&a, image.Rect(16, 0, 40, 24)); err != nil {
		t.Fatal(err)
	}
	m.WriteCrop(&b, image.Rect(16, 0, 40, 24))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("not deterministic")
	}
	app0 := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	if !bytes.HasPrefix(a.Bytes(), app0) || !bytes.HasSuffix(a.Bytes(), []byte{0xFF, 0xD9}) {
		t.Fatal("header or trailer wrong")
	}
	for _, r := range []image.Rectangle{
		image.Rect(8, 0, 16, 16), image.Rect(0, 0, 20, 16), image.Rect(0, 0, 16, 20),
		image.Rect(0, 0, 48, 16), image.Rect(0, 0, 0, 0), image.Rect(-16, 0, 16, 16),
	} {
		if err := m.WriteCrop(&a, r); err == nil {
			t.Errorf("crop %v accepted", r)
		}
	}
	var zero Image
	if zero.WriteCrop(&a, image.Rect(0, 0, 8, 8)) == nil {
		t.Error("zero Image cropped")
	}
	if _, err := zero.Scaled(2); err == nil {
		t.Error("zero Image scaled")
	}
	if _, err := m.Scaled(3); err == nil {
		t.Error("Scaled(3) accepted")
	}
	if mw, mh := m.MCUSize(); mw != 16 || mh != 16 {
		t.Errorf("MCU %dx%d", mw, mh)
	}
}

func TestScaled(t *testing.T) {
	for _, gray := range []bool{false, true} {
		for si, sz := range [][2]int{{333, 251}, {301, 199}, {64, 48}, {17, 9}, {1, 1}} {
			data := encode(t, photo(sz[0], sz[1], int64(si+7), gray), 85)
			ref, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(data, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			checkScaled(t, m, ref, fmt.Sprintf("gray=%v %dx%d", gray, sz[0], sz[1]))
		}
	}
}

func checkScaled(t *testing.T, m *Image, ref image.Image, name string) {
	t.Helper()
	rp := planesOf(ref)
	for _, k := range []int{1, 2, 4, 8} {
		img, err := m.Scaled(k)
		if err != nil {
			t.Fatal(err)
		}
		w, h := (m.Width+k-1)/k, (m.Height+k-1)/k
		if img.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("%s k=%d bounds %v", name, k, img.Bounds())
		}
		// The planes must be laid out as the standard constructors make them.
		switch p := img.(type) {
		case *image.YCbCr:
			want := image.NewYCbCr(img.Bounds(), p.SubsampleRatio)
			if len(p.Y) != len(want.Y) || len(p.Cb) != len(want.Cb) || p.YStride != want.YStride || p.CStride != want.CStride {
				t.Fatalf("%s k=%d plane layout", name, k)
			}
			if p.SubsampleRatio != ref.(*image.YCbCr).SubsampleRatio {
				t.Fatalf("%s ratio %v", name, p.SubsampleRatio)
			}
		case *image.Gray:
			if p.Stride != w || len(p.Pix) != w*h {
				t.Fatalf("%s k=%d gray layout", name, k)
			}
		}
		for i, gp := range planesOf(img) {
			r := rp[i]
			var sum, cnt float64
			maxd := 0
			for y := 0; y < gp.h; y++ {
				for x := 0; x < gp.w; x++ {
					var acc, n int
					for yy := y * k; yy < min(y*k+k, r.h); yy++ {
						for xx := x * k; xx < min(x*k+k, r.w); xx++ {
							acc += int(r.pix[yy*r.stride+xx])
							n++
						}
					}
					if n == 0 {
						t.Fatalf("%s k=%d plane %d size %dx%d vs %dx%d", name, k, i, gp.w, gp.h, r.w, r.h)
					}
					d := math.Abs(float64(gp.pix[y*gp.stride+x]) - float64(acc)/float64(n))
					sum += d
					cnt++
					if int(d+0.5) > maxd {
						maxd = int(d + 0.5)
					}
				}
			}
			mad := sum / cnt
			if k == 1 && maxd > 2 {
				t.Errorf("%s k=1 plane %d: max difference %d", name, i, maxd)
			}
			// Hard edges make the low-frequency IDCT ring where a box filter
			// does not; on tiny planes they dominate the mean, so those only
			// get a sanity bound.
			limit := 2.0
			if r.w*r.h < 2000 {
				limit = 6
			}
			// A plane of a few samples is all edge: the encoder's replicated
			// padding weighs in the block averages, so only its size counts.
			if gp.w*gp.h < 16 {
				limit = math.Inf(1)
			}
			if mad >= limit {
				t.Errorf("%s k=%d plane %d: mean abs difference %.2f", name, k, i, mad)
			}
		}
	}
}

func TestTooLarge(t *testing.T) {
	// SOI, SOF0 100000x100000... would need 1.5e10 pixels; must be refused
	// from the header alone (the data holds no tables or scan at all).
	data := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0x86, 0xA0, 0x86, 0xA0, 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9}
	_, err := Decode(data, 300e6)
	if err == nil || errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v", err)
	}
	// Refused from the header: nothing near the 15e9 coefficients' size
	// may have been allocated.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Decode(data, 300e6)
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("allocated %d bytes", d)
	}
}

func TestUnsupportedInGo(t *testing.T) {
	// Change the SOF0 of a Go-made file into SOF2 and 12-bit precision.
	data := encode(t, photo(16, 16, 1, false), 75)
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	for _, mut := range []func(d []byte){
		func(d []byte) { d[i+1] = 0xC2 },
		func(d []byte) { d[i+1] = 0xC9 },
		func(d []byte) { d[i+4] = 12 },
	} {
		d := append([]byte(nil), data...)
		mut(d)
		if _, err := Decode(d, 1<<20); !errors.Is(err, ErrUnsupported) {
			t.Errorf("got %v", err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(f, photo(24, 16, 1, false), 75))
	f.Add(encode(f, photo(9, 17, 1, true), 50))
	if files, _ := filepath.Glob("testdata/*.jpg"); len(files) > 0 {
		for _, p := range files {
			if d, err := os.ReadFile(p); err == nil && len(d) < 20000 {
				f.Add(d)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data, 1<<20)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := m.WriteCrop(&buf, image.Rect(0, 0, m.Width, m.Height)); err != nil {
			t.Fatal(err)
		}
		// The whole image written again holds the same coefficients
		// (the entropy coder loses nothing).
		again, err := Decode(buf.Bytes(), 1<<20)
		if err != nil {
			t.Fatalf("re-reading the written image: %v", err)
		}
		if len(again.comps) != len(m.comps) {
			t.Fatalf("%d components written, %d read", len(m.comps), len(again.comps))
		}
		for i := range m.comps {
			if !slices.Equal(again.comps[i].coef, m.comps[i].coef) {
				t.Fatalf("component %d: coefficients changed when written", i)
			}
		}
		// Its pixels encode again (FromPixels) into a JPEG that reads back
		// at the same size.
		if px, err := m.Scaled(1); err == nil {
			if pm, err := FromPixels(px, 90); err == nil {
				buf.Reset()
				if err := pm.WriteCrop(&buf, image.Rect(0, 0, pm.Width, pm.Height)); err != nil {
					t.Fatal(err)
				}
				back, err := Decode(buf.Bytes(), 1<<20)
				if err != nil || back.Width != m.Width || back.Height != m.Height {
					t.Fatalf("re-encoded pixels read back as %v, %v", back, err)
				}
			}
		}
		if _, err := m.Scaled(8); err != nil {
			t.Fatal(err)
		}
	})
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	d, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFixtures(t *testing.T) {
	for _, name := range []string{"s444.jpg", "s422.jpg", "s440.jpg", "s411.jpg", "s410.jpg", "gray2x2.jpg", "optimized420.jpg",
		"restart420.jpg", "restart444rows.jpg", "restartgray.jpg"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			for _, tile := range []int{32, 64} {
				checkCrops(t, data, tile)
			}
			ref, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(data, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			checkScaled(t, m, ref, name)
		})
	}
	for _, name := range []string{"progressive.jpg", "arithmetic.jpg", "rgb.jpg", "cmyk.jpg", "noninterleaved.jpg"} {
		_, err := Decode(readFixture(t, name), 1<<20)
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: got %v, want ErrUnsupported", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
}

// The unrolled IDCTs must agree with the plain matrix product they replace.
func TestFastIDCT(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	var q [64]uint16
	for i := range q {
		q[i] = uint16(1 + rng.Intn(20))
	}
	fast := map[int]func([]int16, *[64]uint16, *[64]byte){2: idct2, 4: idct4, 8: idct8}
	for it := 0; it < 2000; it++ {
		blk := make([]int16, 64)
		for i := range blk {
			if rng.Intn(3) == 0 {
				blk[i] = int16(rng.Intn(41) - 20)
			}
		}
		blk[0] = int16(rng.Intn(200) - 100)
		for n, f := range fast {
			var coef, tmp [64]float32
			var want, got [64]byte
			for _, zi := range lowZigzag[n] {
				coef[unzig[zi]] = float32(int32(blk[zi]) * int32(q[zi]))
			}
			idct(n, &coef, &tmp, &want)
			f(blk, &q, &got)
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					if d := int(want[y*8+x]) - int(got[y*8+x]); d < -1 || d > 1 {
						t.Fatalf("n=%d (%d,%d): %d vs %d", n, x, y, got[y*8+x], want[y*8+x])
					}
				}
			}
		}
	}
}

// An Adobe APP14 segment with transform 0 on three components means RGB even
// when the ids look like YCbCr's; transform 1 is YCbCr and stays supported.
func TestAdobeTransform(t *testing.T) {
	data := encode(t, photo(32, 16, 9, false), 80)
	for _, tc := range []struct {
		transform byte
		want      bool
	}{{0, true}, {1, false}} {
		app14 := []byte{0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, tc.transform}
		d := append(append(append([]byte(nil), data[:2]...), app14...), data[2:]...)
		_, err := Decode(d, 1<<20)
		if got := errors.Is(err, ErrUnsupported); got != tc.want {
			t.Errorf("transform %d: %v", tc.transform, err)
		}
		if !tc.want && err != nil {
			t.Errorf("transform %d: %v", tc.transform, err)
		}
	}
}
