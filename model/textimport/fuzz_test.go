package textimport

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vitrine-tools/vitrine/model"
)

// FuzzImport checks, for any input the importer accepts, that its output
// reads back, validates without errors, and keeps every word of the
// captions' source lines. The corpus in testdata/fuzz/FuzzImport runs in
// every `go test`.
func FuzzImport(f *testing.F) {
	seed, err := os.ReadFile(seedFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("Intro.\n\n1. A (b\n\n\n2. c\r\n3) d\n<< Back\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, _, err := Import(data, Options{Title: "T"})
		if err != nil {
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("accepted invalid UTF-8")
		}
		raw, err := model.Marshal(ex)
		if err != nil {
			t.Fatal(err)
		}
		back, err := model.Parse("exhibition.yaml", raw)
		if err != nil {
			t.Fatalf("output does not read back: %v\n%s", err, raw)
		}
		ps, _ := model.Validate(back, model.ValidateOptions{})
		if ps.HasErrors() {
			t.Fatalf("output does not validate: %v\n%s", ps.Errors(), raw)
		}
		if len(back.Plates) != len(ex.Plates) {
			t.Fatal("plates lost")
		}
		for i, p := range ex.Plates {
			if back.Plates[i].Caption.Get("en") != p.Caption.Get("en") {
				t.Fatalf("caption %d changed on the way: %q -> %q", i, p.Caption.Get("en"), back.Plates[i].Caption.Get("en"))
			}
			if strings.TrimSpace(p.Caption.Get("en")) == "" {
				t.Fatalf("plate %s has an empty caption", p.Number)
			}
		}
	})
}
