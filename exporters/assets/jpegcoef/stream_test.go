package jpegcoef

import (
	"bytes"
	"fmt"
	"image"
	"testing"
)

// TestStreamEncoder: a JPEG written band by band is byte for byte the one
// FromPixels and WriteCrop write from the whole image, whatever the bands.
func TestStreamEncoder(t *testing.T) {
	for _, tc := range []struct {
		w, h  int
		grey  bool
		bands []int
	}{
		{333, 250, false, []int{250}},
		{333, 250, false, []int{16, 48, 512}},
		{512, 512, false, []int{256}},
		{101, 77, true, []int{8, 24}},
		{17, 9, false, []int{9}},
	} {
		t.Run(fmt.Sprintf("%dx%d grey=%v %v", tc.w, tc.h, tc.grey, tc.bands), func(t *testing.T) {
			src := photo(tc.w, tc.h, 3, tc.grey)
			var img image.Image = src
			if !tc.grey {
				img = ycc420(src)
			}
			whole, err := FromPixels(img, 85)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			if err := whole.WriteCrop(&want, image.Rect(0, 0, tc.w, tc.h)); err != nil {
				t.Fatal(err)
			}
			e, err := NewStreamEncoder(&got, tc.w, tc.h, tc.grey, 85)
			if err != nil {
				t.Fatal(err)
			}
			type sub interface {
				SubImage(image.Rectangle) image.Image
			}
			for y, i := 0, 0; y < tc.h; i++ {
				n := min(tc.bands[i%len(tc.bands)], tc.h-y)
				if err := e.WriteBand(img.(sub).SubImage(image.Rect(0, y, tc.w, y+n))); err != nil {
					t.Fatal(err)
				}
				y += n
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("streamed JPEG differs (%d bytes, want %d)", got.Len(), want.Len())
			}
			// The same from tiles of 64 (or 32) pixels' coefficients.
			got.Reset()
			e, _ = NewStreamEncoder(&got, tc.w, tc.h, tc.grey, 85)
			for y, i := 0, 0; y < tc.h; i++ {
				n := min(tc.bands[i%len(tc.bands)], tc.h-y)
				var tiles []*Image
				for x := 0; x < tc.w; x += 64 {
					m, err := FromPixels(img.(sub).SubImage(image.Rect(x, y, min(x+64, tc.w), y+n)), 85)
					if err != nil {
						t.Fatal(err)
					}
					tiles = append(tiles, m)
				}
				if err := e.WriteTiles(tiles); err != nil {
					t.Fatal(err)
				}
				y += n
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("JPEG streamed from tiles differs (%d bytes, want %d)", got.Len(), want.Len())
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		e, _ := NewStreamEncoder(&bytes.Buffer{}, 64, 64, true, 85)
		if err := e.WriteBand(image.NewGray(image.Rect(0, 0, 64, 5))); err == nil {
			t.Errorf("a band of 5 rows inside the image was taken")
		}
		e, _ = NewStreamEncoder(&bytes.Buffer{}, 64, 64, true, 85)
		e.WriteBand(image.NewGray(image.Rect(0, 0, 64, 8)))
		if err := e.Close(); err == nil {
			t.Errorf("closed after 8 of 64 rows")
		}
	})
}
