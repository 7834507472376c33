package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
)

// TestValidateSummary: validate, which writes nothing, does not end with
// "nothing was written"; when the file itself does not read (a repeated
// field), the summary says the other checks are still to come, since
// Validate has not run.
func TestValidateSummary(t *testing.T) {
	bad := writeTestExhibition(t, strings.Replace(minimal, "p1.jpg", "nope.jpg", 1))
	code, _, stderr := runCLI(t, "validate", bad)
	if code != 1 || strings.Contains(stderr, "nothing was written") || !strings.Contains(stderr, "1 error(s), ") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	dup := writeTestExhibition(t, "title: again\n"+minimal)
	code, _, stderr = runCLI(t, "validate", dup)
	if code != 1 || !strings.Contains(stderr, "already defined") || !strings.Contains(stderr, "checked once the file reads without errors") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestValidateNoticesPrivateData: a master with a GPS position and serial
// numbers gets one notice for the exhibition (not an error, not one per
// file), and validate still succeeds.
func TestValidateNoticesPrivateData(t *testing.T) {
	dir := writeTestExhibition(t, strings.Replace(minimal, "    images: [{path: p1.jpg}]", "    images: [{path: p1.jpg}, {path: p2.jpg}]", 1))
	plain, err := os.ReadFile(filepath.Join(dir, "p1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	camera := embedded.InsertSegments(plain, embedded.Segment(0xE1, append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, nil)...)))
	for _, n := range []string{"p1.jpg", "p2.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, n), camera, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := runCLI(t, "validate", dir)
	if code != 0 || strings.Count(stderr, "notice:") != 1 || !strings.Contains(stderr, "2 of 2 masters carry data that will not be published: GPS position (p1.jpg, p2.jpg)") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
