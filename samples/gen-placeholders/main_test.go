package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/vitrine-tools/vitrine/model"
)

// TestReproducesSample regenerates two cards of samples/victory-70 and
// compares them with the committed files, byte for byte: the placeholders
// are what this generator makes. (A new Go version whose JPEG encoder
// changes would show up here: then rerun the generator and commit.)
func TestReproducesSample(t *testing.T) {
	ex, err := model.Load("../victory-70")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"1", "46"} {
		p := ex.PlateByNumber(n)
		got, err := cardJPEG(p.Number, p.Caption.Get("en"), fs)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile("../victory-70/" + p.Images[0].Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("plate %s: generated %d bytes differ from the committed %d; run go run ./samples/gen-placeholders samples/victory-70", n, len(got), len(want))
		}
		if len(got) < 60_000 || len(got) > 140_000 {
			t.Errorf("plate %s: %d bytes, want about 100 KB", n, len(got))
		}
	}
}
