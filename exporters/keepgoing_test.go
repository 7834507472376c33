package exporters_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/bagit"
	"github.com/vitrine-tools/vitrine/exporters/epub"
	"github.com/vitrine-tools/vitrine/exporters/exportertest"
	"github.com/vitrine-tools/vitrine/exporters/iiif"
	"github.com/vitrine-tools/vitrine/exporters/site"
)

// cameraFolder writes three plates as a folder of camera photographs: a
// sound one, one cut short inside its image data (repairable: the part
// that arrived is kept), and one cut right after its headers (nothing to
// show; validate, which reads headers, passes it).
func cameraFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y * 2), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	sound := buf.Bytes()
	sos := bytes.Index(sound, []byte{0xFF, 0xDA})
	files := map[string][]byte{
		"P1010001.JPG": sound,
		"P1010002.JPG": sound[:sos+(len(sound)-sos)/2],
		"P1010003.JPG": sound[:sos+14],
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := "slug: camera\nlanguages: [en]\ntitle: Camera folder\nedition: 2026-12-07\nrights: http://creativecommons.org/licenses/by/4.0/\ncover: \"3\"\nplates:\n" +
		"  - {number: \"1\", caption: The harbour, images: [{path: P1010001.JPG}]}\n" +
		"  - {number: \"2\", caption: The market cut short, images: [{path: P1010002.JPG}]}\n" +
		"  - {number: \"3\", caption: The quay with no pixels, images: [{path: P1010003.JPG}]}\n"
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func realExporters(t *testing.T) []exporters.Exporter {
	t.Helper()
	e, err := epub.New(epub.Options{})
	if err != nil {
		t.Fatal(err)
	}
	i, err := iiif.New(iiif.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bagit.New(bagit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return []exporters.Exporter{e, i, b, site.New()}
}

func TestKeepGoing(t *testing.T) {
	dir := cameraFolder(t)
	// Without --keep-going: all or nothing, as before.
	out, _, err := exportertest.Build(t, dir, exportertest.Config{}, realExporters(t)...)
	if !errors.Is(err, exporters.ErrNothingWritten) || !strings.Contains(err.Error(), "P1010003.JPG") || strings.Contains(err.Error(), "P1010002.JPG") {
		t.Fatalf("without keep-going: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Fatalf("a failed build wrote %d entries", len(entries))
	}

	out, rep, err := exportertest.Build(t, dir, exportertest.Config{KeepGoing: true}, realExporters(t)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.LeftOut) != 1 || rep.LeftOut[0].Path != "P1010003.JPG" || strings.Join(rep.LeftOut[0].Plates, ",") != "3" {
		t.Fatalf("left out %+v", rep.LeftOut)
	}
	if len(rep.Damaged) != 1 || rep.Damaged[0].Path != "P1010002.JPG" || !strings.Contains(rep.Damaged[0].Damage, "truncated") {
		t.Fatalf("damaged %+v", rep.Damaged)
	}
	// IIIF: a canvas for plates 1 and 2, none for 3.
	var m struct {
		Items []struct {
			Label map[string][]string `json:"label"`
		} `json:"items"`
	}
	b, err := os.ReadFile(filepath.Join(out, "iiif/camera/manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Items) != 2 {
		t.Fatalf("%d canvases, want 2 (plate 3's image left out)", len(m.Items))
	}
	// EPUB: plate 3 keeps its text.
	zr, err := zip.OpenReader(filepath.Join(out, "epub/camera.epub"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var text strings.Builder
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".xhtml") {
			rc, _ := f.Open()
			io.Copy(&text, rc)
			rc.Close()
		}
	}
	if !strings.Contains(text.String(), "The quay with no pixels") {
		t.Error("plate 3's caption is missing from the EPUB")
	}
	// The bag verifies and holds the two usable masters.
	rp, err := bagit.Verify(t.Context(), filepath.Join(out, "bags/camera.zip"), bagit.VerifyOptions{})
	if err != nil || !rp.Valid {
		t.Fatalf("bag: %v %+v", err, rp)
	}
}
