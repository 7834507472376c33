package tiffband

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/tiff/lzw"
)

// TestLZW: lzwDecode gives what golang.org/x/image/tiff/lzw gives, for
// data that fills and clears the table, repeats (KwKwK codes) and noise.
func TestLZW(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 200000)
	for i := range noise {
		noise[i] = byte(r.IntN(256))
	}
	smooth := make([]byte, 300000)
	for i := range smooth {
		smooth[i] = byte(i*i>>9) + byte(r.IntN(4))
	}
	for name, data := range map[string][]byte{
		"one": {7}, "run": bytes.Repeat([]byte{9}, 100000), "kwkwk": {1, 1, 1, 1, 1, 1, 1},
		"noise": noise, "smooth": smooth, "empty": {},
	} {
		t.Run(name, func(t *testing.T) {
			enc := lzwTIFF(data)
			ref, err := io.ReadAll(lzw.NewReader(bytes.NewReader(enc), lzw.MSB, 8))
			if err != nil || !bytes.Equal(ref, data) {
				t.Fatalf("reference decoder: %v", err)
			}
			got := make([]byte, len(data))
			n, err := lzwDecode(got, enc)
			if err != nil || n != len(data) || !bytes.Equal(got, data) {
				t.Fatalf("decoded %d of %d bytes (%v), first difference at %d", n, len(data), err, firstDiff(got, data))
			}
			// A shorter buffer takes what fits; a longer one reports the end.
			if len(data) > 10 {
				n, err = lzwDecode(make([]byte, len(data)/2), enc)
				if err != nil || n != len(data)/2 {
					t.Errorf("half buffer: %d %v", n, err)
				}
				n, _ = lzwDecode(make([]byte, len(data)+100), enc)
				if n != len(data) {
					t.Errorf("long buffer: %d bytes, want %d", n, len(data))
				}
			}
		})
	}
}

func FuzzLZW(f *testing.F) {
	f.Add(lzwTIFF([]byte("abababababababab")))
	f.Add([]byte{0x80, 0x01, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		lzwDecode(make([]byte, 4096), data)
	})
}

func BenchmarkLZW(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 6000*64*3)
	for i := range data {
		data[i] = byte(i/3%200) + byte(r.IntN(8))
	}
	enc := lzwTIFF(data)
	out := make([]byte, len(data))
	b.SetBytes(int64(len(data)))
	b.Run("tiffband", func(b *testing.B) {
		for b.Loop() {
			lzwDecode(out, enc)
		}
	})
	b.Run("x-image", func(b *testing.B) {
		for b.Loop() {
			io.ReadFull(lzw.NewReader(bytes.NewReader(enc), lzw.MSB, 8), out)
		}
	})
}
