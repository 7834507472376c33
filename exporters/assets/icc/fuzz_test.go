package icc_test

import (
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/icc"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
)

// FuzzParse: any bytes give a profile or an error, never a panic, and a
// profile that NewTransform accepts converts samples without panicking.
func FuzzParse(f *testing.F) {
	for _, tc := range profiles() {
		f.Add(tc.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := icc.Parse(b)
		if err != nil {
			return
		}
		_ = p.Name()
		tr, err := icc.NewTransform(p)
		if err != nil {
			return
		}
		src8 := []byte{0, 0, 0, 128, 64, 32, 255, 255, 255}
		src16 := []uint16{0, 0, 0, 40000, 20000, 1000, 65535, 65535, 65535}
		dst := make([]byte, 12)
		tr.Convert8(dst, 4, src8, 3, 3)
		tr.Convert16(dst, 4, src16, 3, 3)
	})
}

// FuzzExtract: any file gives a profile, nothing, or an error.
func FuzzExtract(f *testing.F) {
	jpg := smallJPEG(f)
	f.Add(icctest.EmbedJPEG(jpg, icctest.AdobeRGB(), 200, nil), "jpeg")
	f.Add(icctest.TIFF(1, 1, 1, 8, []byte{9}, nil, icctest.GrayGamma(2.2), nil), "tiff")
	f.Add(webp(riffChunk("ICCP", icctest.SRGB())), "webp")
	f.Add([]byte("\x89PNG\r\n\x1a\n"), "png")
	f.Fuzz(func(t *testing.T, b []byte, format string) {
		p, err := icc.Extract(b, format)
		if err == nil && len(p) > icc.MaxProfile {
			t.Fatalf("profile of %d bytes", len(p))
		}
	})
}
