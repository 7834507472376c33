package main

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/image/tiff"
	"golang.org/x/image/tiff/lzw"
)

// TestTIFFs decodes the uncompressed and LZW TIFFs of one scene (odd size,
// several strips, enough data to fill and clear the LZW table) and compares
// them with each other and with the scene.
func TestTIFFs(t *testing.T) {
	img := scene(333, 150, 7, 10)
	var plain, lz bytes.Buffer
	if err := writeTIFF(&plain, img, false); err != nil {
		t.Fatal(err)
	}
	if err := writeTIFF(&lz, img, true); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"uncompressed": plain.Bytes(), "lzw": lz.Bytes()} {
		got, err := tiff.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Bounds() != img.Bounds() {
			t.Fatalf("%s: bounds %v", name, got.Bounds())
		}
		for y := 0; y < 150; y++ {
			for x := 0; x < 333; x++ {
				r1, g1, b1, _ := got.At(x, y).RGBA()
				r2, g2, b2, _ := img.At(x, y).RGBA()
				if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
					t.Fatalf("%s: pixel %d,%d differs", name, x, y)
				}
			}
		}
	}
	if lz.Len() >= plain.Len()*2 {
		t.Errorf("LZW output %d bytes for %d uncompressed", lz.Len(), plain.Len())
	}
	big := make([]byte, 300000)
	for i := range big {
		big[i] = byte(i * i >> 7)
	}
	for _, data := range [][]byte{{1}, {1, 1, 1, 1}, bytes.Repeat([]byte{9}, 100000), big} {
		got, err := io.ReadAll(lzw.NewReader(bytes.NewReader(lzwTIFF(data)), lzw.MSB, 8))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("LZW round trip of %d bytes: %v (got %d bytes)", len(data), err, len(got))
		}
	}
}

// TestTIFF16 decodes a 16-bit LZW TIFF with the horizontal predictor and
// compares its high bytes with the scene.
func TestTIFF16(t *testing.T) {
	img := scene(101, 70, 9, 2.5)
	var b bytes.Buffer
	if err := writeTIFFOf(&b, img, tiffOptions{lzw: true, bits16: true, predictor: true}); err != nil {
		t.Fatal(err)
	}
	got, err := tiff.Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 70; y++ {
		for x := 0; x < 101; x++ {
			r1, g1, b1, _ := got.At(x, y).RGBA()
			r2, g2, b2, _ := img.At(x, y).RGBA()
			for i, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				if d < -1 || d > 1 {
					t.Fatalf("pixel %d,%d channel %d differs by %d", x, y, i, d)
				}
			}
		}
	}
}
