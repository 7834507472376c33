package assets

import (
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
)

// BenchmarkColourCheck is what an untagged or sRGB master pays for colour
// management: reading its profile (masterColour).
func BenchmarkColourCheck(b *testing.B) {
	data := benchMaster(b)
	for b.Loop() {
		if t, _ := masterColour(data, "jpeg"); t != nil {
			b.Fatal("the bench master is tagged")
		}
	}
}

// BenchmarkStripJPEG is the cost of a private full/max (Source.FullJPEG):
// a scan for markers, no copy.
func BenchmarkStripJPEG(b *testing.B) {
	data := benchMaster(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := embedded.StripJPEGParts(data); err != nil {
			b.Fatal(err)
		}
	}
}
