package folderimport

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzReadMeta feeds damaged and odd files to the metadata reader: it must
// never panic or hang, and what it returns is valid UTF-8. The seeds are
// the ExifTool-written fixtures.
func FuzzReadMeta(f *testing.F) {
	files, _ := filepath.Glob("testdata/folder/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 8000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMeta(data)
		if err != nil {
			return
		}
		for _, s := range []string{m.Title, m.Description, m.Creator, m.Date, m.Rights} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
	})
}
