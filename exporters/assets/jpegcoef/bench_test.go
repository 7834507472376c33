package jpegcoef

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"sync"
	"testing"
)

// The benchmark master is a 6000x4000 4:2:0 photo-like JPEG, the size of a
// typical museum master; it is made once per test binary, only when a
// benchmark asks for it.
var (
	bigOnce sync.Once
	bigJPEG []byte
)

func bigMaster(b *testing.B) []byte {
	bigOnce.Do(func() { bigJPEG = encode(b, photo(6000, 4000, 42, false), 90) })
	b.SetBytes(int64(len(bigJPEG)))
	return bigJPEG
}

func BenchmarkDecode(b *testing.B) {
	data := bigMaster(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Decode(data, 300e6); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibDecode(b *testing.B) {
	data := bigMaster(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func benchScaled(b *testing.B, k int) {
	m, err := Decode(bigMaster(b), 300e6)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Scaled(k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScaled1(b *testing.B) { benchScaled(b, 1) }
func BenchmarkScaled2(b *testing.B) { benchScaled(b, 2) }
func BenchmarkScaled4(b *testing.B) { benchScaled(b, 4) }

func tiles(w, h, size int) []image.Rectangle {
	var rs []image.Rectangle
	for y := 0; y < h; y += size {
		for x := 0; x < w; x += size {
			rs = append(rs, image.Rect(x, y, min(x+size, w), min(y+size, h)))
		}
	}
	return rs
}

func BenchmarkWriteCropTiles512(b *testing.B) {
	m, err := Decode(bigMaster(b), 300e6)
	if err != nil {
		b.Fatal(err)
	}
	rs := tiles(m.Width, m.Height, 512)
	b.ResetTimer()
	for b.Loop() {
		for _, r := range rs {
			if err := m.WriteCrop(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkStdlibEncodeTiles512(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(bigMaster(b)))
	if err != nil {
		b.Fatal(err)
	}
	sub := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	rs := tiles(img.Bounds().Dx(), img.Bounds().Dy(), 512)
	b.ResetTimer()
	for b.Loop() {
		for _, r := range rs {
			if err := jpeg.Encode(io.Discard, sub.SubImage(r), &jpeg.Options{Quality: 90}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFromPixelsTiles512 encodes the same tiles as
// BenchmarkStdlibEncodeTiles512 (the master's YCbCr 4:2:0 pixels) through
// FromPixels and WriteCrop.
func BenchmarkFromPixelsTiles512(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(bigMaster(b)))
	if err != nil {
		b.Fatal(err)
	}
	ycc := img.(*image.YCbCr)
	rs := tiles(img.Bounds().Dx(), img.Bounds().Dy(), 512)
	b.ResetTimer()
	for b.Loop() {
		for _, r := range rs {
			m, err := FromPixels(ycc.SubImage(r), 90)
			if err != nil {
				b.Fatal(err)
			}
			if err := m.WriteCrop(io.Discard, image.Rect(0, 0, m.Width, m.Height)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
