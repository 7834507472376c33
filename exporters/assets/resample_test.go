package assets

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"
)

// TestResizeYCbCrMatchesImaging: the plane resampler gives what
// imaging.Resize (Lanczos) gives from the same image, within rounding and
// the chroma being filtered at its own resolution; sizes are exact and a
// flat colour stays exactly flat.
func TestResizeYCbCrMatchesImaging(t *testing.T) {
	m, err := jpeg.Decode(bytes.NewReader(photo(t, 901, 601, 3)))
	if err != nil {
		t.Fatal(err)
	}
	src, ok := m.(*image.YCbCr)
	if !ok {
		t.Fatalf("photo decodes to %T", m)
	}
	for _, sz := range []image.Point{{480, 320}, {451, 301}, {100, 67}, {1, 1}} {
		got := resizeYCbCr(src, sz.X, sz.Y)
		if got.Bounds().Size() != sz {
			t.Fatalf("size %v, want %v", got.Bounds().Size(), sz)
		}
		want := imaging.Resize(src, sz.X, sz.Y, imaging.Lanczos)
		var sum, n float64
		for y := 0; y < sz.Y; y++ {
			for x := 0; x < sz.X; x++ {
				a := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
				b := want.NRGBAAt(x, y)
				for _, d := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B)} {
					sum += float64(max(d, -d))
					n++
				}
			}
		}
		if mean := sum / n; mean > 3 || sz.X > 1 && mean > 2 {
			t.Errorf("%v: mean difference %.2f from imaging's Lanczos", sz, mean)
		}
	}
	flat := image.NewYCbCr(image.Rect(0, 0, 300, 200), image.YCbCrSubsampleRatio420)
	for i := range flat.Y {
		flat.Y[i] = 77
	}
	for i := range flat.Cb {
		flat.Cb[i], flat.Cr[i] = 200, 31
	}
	out := resizeYCbCr(flat, 123, 77)
	for _, p := range [][]byte{out.Y, out.Cb, out.Cr} {
		for _, v := range p {
			if v != p[0] {
				t.Fatalf("a flat image came out uneven: %d and %d", p[0], v)
			}
		}
	}
	if out.Y[0] != 77 || out.Cb[0] != 200 || out.Cr[0] != 31 {
		t.Errorf("flat colour changed: %d %d %d", out.Y[0], out.Cb[0], out.Cr[0])
	}
}
