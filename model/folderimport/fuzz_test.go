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
	// Camera and scanner files as the camera test builds them: EXIF with
	// boilerplate, XMP with keywords and dates, IPTC in Photoshop APP13.
	f.Add(jpegWith(app1EXIF("OLYMPUS DIGITAL CAMERA         ", "OLYMPUS", "2004:08:27 13:52:55")))
	f.Add(jpegWith(app1XMP(`<dc:subject><rdf:Bag><rdf:li>piers</rdf:li></rdf:Bag></dc:subject><photoshop:DateCreated>1910</photoshop:DateCreated>`)))
	f.Add(jpegWith(segment(0xED, iimBlock([][2]any{{5, "Letter"}, {25, "letters"}, {55, "19230514"}}))))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMeta(data)
		if err != nil {
			return
		}
		for _, s := range append([]string{m.Title, m.Description, m.Creator, m.Date, m.Captured, m.Rights}, m.Keywords...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
	})
}
