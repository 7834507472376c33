package bagit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/exportertest"
	"github.com/vitrine-tools/vitrine/model"
)

// TestAttachmentsInBag: a plate's PDF and a plate's sound file (that plate
// has no image) are in the payload byte for byte under files/, listed in
// names.tsv and named so in data/exhibition.json, which validates as it
// is; the bag verifies here and with the independent checker.
func TestAttachmentsInBag(t *testing.T) {
	dir := fixtureDir(t)
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	mp3 := []byte("ID3\x04\x00\x00\x00\x00\x00\x00frames")
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "docs", "Board minutes.pdf"), pdf, 0o644)
	os.WriteFile(filepath.Join(dir, "talk.MP3"), mp3, 0o644)
	yml := fixtureYAML + `    attachments:
      - path: docs/Board minutes.pdf
  - number: "30"
    caption: A ferry pilot remembers
    attachments: [{path: talk.MP3}]
`
	os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yml), 0o644)
	orig, infos := exportertest.Load(t, dir)
	bagDir := exportLoaded(t, orig, infos, Options{Format: Dir})
	wantValid(t, mustVerify(t, bagDir, VerifyOptions{}))
	zipBag := exportBag(t, dir, Options{})
	wantValid(t, mustVerify(t, zipBag, VerifyOptions{}))
	independentCheck(t, zipBag)
	data := filepath.Join(bagDir, "data")
	for name, want := range map[string][]byte{"files/plate-21a-1.pdf": pdf, "files/plate-30-1.mp3": mp3} {
		if got, err := os.ReadFile(filepath.Join(data, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v (bytes equal: %v)", name, err, bytes.Equal(got, want))
		}
	}
	tsv, _ := os.ReadFile(filepath.Join(data, "names.tsv"))
	for _, row := range []string{"data/files/plate-21a-1.pdf\t21a\t1\tdocs/Board minutes.pdf\n", "data/files/plate-30-1.mp3\t30\t1\ttalk.MP3\n"} {
		if !strings.Contains(string(tsv), row) {
			t.Errorf("names.tsv lacks %q:\n%s", row, tsv)
		}
	}
	back, err := model.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if ps, _ := model.Validate(back, model.ValidateOptions{}); len(ps.Errors()) > 0 {
		t.Fatalf("data/ does not validate: %v", ps)
	}
	if got := back.Plates[1].Attachments[0].Path; got != "files/plate-21a-1.pdf" {
		t.Errorf("attachment in the bag's exhibition.json: %q", got)
	}
	if orig.Plates[1].Attachments[0].Path != "docs/Board minutes.pdf" {
		t.Error("MakeBag changed the build's exhibition")
	}
}
