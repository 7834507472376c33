package csvimport

import (
	"os"
	"testing"

	"github.com/vitrine-tools/vitrine/model"
)

// FuzzImport checks that whatever the importer accepts reads back and
// validates without errors, with a caption on every plate. The corpus in
// testdata/fuzz/FuzzImport runs in every `go test`.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"collection-export.csv", "collectionbuilder-demo.csv", "tate-artworks.csv", "wax-qatar-style.csv"} {
		if data, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("Nr;Label;Date;Extra\r\n1;\"a;b\";c. 1950;x\r\n"))
	f.Add([]byte("title:ko,number,section\n거리,1,A\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import(data, Options{Title: "T", ImagesDir: dir, OutDir: dir})
		if err != nil {
			return
		}
		raw, err := model.Marshal(res.Exhibition)
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
		for i, p := range back.Plates {
			if p.Caption.IsZero() {
				t.Fatalf("plate %d has no caption", i)
			}
		}
	})
}
