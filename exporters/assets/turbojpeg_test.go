//go:build turbojpeg && cgo

package assets

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

func TestTurboJPEGMatchesImageJPEG(t *testing.T) {
	data := photo(t, 301, 203, 3)
	got, err := turboDecode(data)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := jpeg.Decode(bytes.NewReader(data))
	yc, ok := got.(*image.YCbCr)
	if !ok || yc.SubsampleRatio != image.YCbCrSubsampleRatio420 || got.Bounds() != want.Bounds() {
		t.Fatalf("decoded %T %v", got, got.Bounds())
	}
	w := want.(*image.YCbCr)
	for i := 0; i < 301*203; i += 97 {
		x, y := i%301, i/301
		a, b := yc.YCbCrAt(x, y), w.YCbCrAt(x, y)
		for j, d := range []int{int(a.Y) - int(b.Y), int(a.Cb) - int(b.Cb), int(a.Cr) - int(b.Cr)} {
			if d > 2 || d < -2 {
				t.Fatalf("at %d,%d component %d: turbo %v, Go %v", x, y, j, a, b)
			}
		}
	}
	if h := halve(yc).Bounds(); h.Dx() != 151 || h.Dy() != 102 {
		t.Fatalf("halved padded decode: %v", h)
	}
	// Encode a tile (a crop of the YCbCr image), an RGBA and a gray image.
	for _, img := range []image.Image{
		yc.SubImage(image.Rect(128, 64, 301, 203)),
		image.NewRGBA(image.Rect(0, 0, 33, 17)),
		image.NewGray(image.Rect(0, 0, 5, 9)),
	} {
		var buf bytes.Buffer
		if err := EncodeJPEG(&buf, img, 85); err != nil {
			t.Fatal(err)
		}
		back, err := jpeg.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if back.Bounds().Size() != img.Bounds().Size() {
			t.Fatalf("%T: %v encoded as %v", img, img.Bounds(), back.Bounds())
		}
		if img, ok := img.(*image.YCbCr); ok {
			r0, _, _, _ := back.At(10, 10).RGBA()
			r1, _, _, _ := img.At(img.Rect.Min.X+10, img.Rect.Min.Y+10).RGBA()
			if d := int(r0>>8) - int(r1>>8); d > 12 || d < -12 {
				t.Fatalf("tile pixel %d, want about %d", r0>>8, r1>>8)
			}
		}
	}
	if Codec != "turbojpeg" {
		t.Fatal("Codec not set")
	}
}
