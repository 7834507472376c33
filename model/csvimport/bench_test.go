package csvimport

import (
	"os"
	"testing"
)

// BenchmarkImportSheet imports the CollectionBuilder-like sheet against an
// empty images folder (what one fuzz input costs).
func BenchmarkImportSheet(b *testing.B) {
	data, err := os.ReadFile("testdata/collectionbuilder-demo.csv")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		Import(data, Options{Title: "T", ImagesDir: dir, OutDir: dir})
	}
}
