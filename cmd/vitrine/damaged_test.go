package main

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writeCameraFolder writes an exhibition of three camera photographs: a
// sound one, one cut short in its image data (build repairs it), one cut
// right after its headers (no pixels at all), and a HEIC file beside them
// that a fourth plate names.
func writeCameraFolder(t *testing.T, heic bool) string {
	t.Helper()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 96; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 3), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	sound := buf.Bytes()
	sos := bytes.Index(sound, []byte{0xFF, 0xDA})
	files := map[string][]byte{
		"DSC0001.JPG": sound,
		"DSC0002.JPG": sound[:sos+(len(sound)-sos)*2/3],
		"DSC0003.JPG": sound[:sos+14],
		// an iPhone photograph: an ISO base media file with the heic brand
		"IMG_0004.HEIC": append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 300)...),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := `slug: camera
languages: [en]
title: A camera folder
edition: 2026-12-07
rights: http://creativecommons.org/licenses/by/4.0/
plates:
  - number: "1"
    caption: Sound
    images: [{path: DSC0001.JPG}]
  - number: "2"
    caption: Cut short
    images: [{path: DSC0002.JPG}]
  - number: "3"
    caption: No pixels
    images: [{path: DSC0003.JPG}]
`
	if heic {
		yaml += "  - number: \"4\"\n    caption: From a phone\n    images: [{path: IMG_0004.HEIC}]\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "exhibition.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestValidateAgreesWithBuild: what build cannot use, validate reports
// first (an error at the image's line), and what build repairs it reports
// as a warning; --headers-only reads only headers and passes both.
func TestValidateAgreesWithBuild(t *testing.T) {
	dir := writeCameraFolder(t, false)
	cache := t.TempDir()
	code, _, stderr := runCLI(t, "validate", "--cache-dir", cache, dir)
	if code != 1 {
		t.Fatalf("validate exit %d:\n%s", code, stderr)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`exhibition\.yaml:15:\d+: error: plates\[2\]\.images\[0\]\.path: DSC0003\.JPG: cannot decode the image \(.*no usable image data`),
		regexp.MustCompile(`exhibition\.yaml:12:\d+: warning: plates\[1\]\.images\[0\]\.path: "DSC0002\.JPG" is damaged: \d+% of the image filled with mid-grey: the data ends early \(truncated file\)`),
		regexp.MustCompile(`1 error\(s\), 1 warning\(s\)`),
	} {
		if !want.MatchString(stderr) {
			t.Errorf("validate output lacks %s:\n%s", want, stderr)
		}
	}
	// The build agrees: it stops on DSC0003 and only on it.
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr = runCLI(t, "build", "--cache-dir", cache, "--formats", "iiif", "-o", out, dir)
	if code != 1 || !strings.Contains(stderr, "DSC0003.JPG") || strings.Contains(stderr, "DSC0002.JPG: cannot") || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("build exit %d:\n%s", code, stderr)
	}
	// --keep-going builds the rest, names what was left out, exits 1.
	code, _, stderr = runCLI(t, "build", "--keep-going", "--cache-dir", cache, "--formats", "iiif,epub", "-o", out, dir)
	if code != 1 || !strings.Contains(stderr, "1 image(s) left out") || !strings.Contains(stderr, "DSC0003.JPG (plate 3)") || !strings.Contains(stderr, "warning: DSC0002.JPG is damaged") {
		t.Fatalf("build --keep-going exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "iiif/camera/manifest.json")); err != nil {
		t.Fatalf("--keep-going committed nothing: %v", err)
	}
	// Headers only: no decode, no problem found.
	code, stdout, stderr := runCLI(t, "validate", "--headers-only", dir)
	if code != 0 || !strings.Contains(stdout, "valid") {
		t.Fatalf("validate --headers-only exit %d:\n%s%s", code, stdout, stderr)
	}
}

// TestUnreadableFormatsNamed: a HEIC file is named as what it is, with
// the command that converts it.
func TestUnreadableFormatsNamed(t *testing.T) {
	dir := writeCameraFolder(t, true)
	code, _, stderr := runCLI(t, "validate", "--headers-only", dir)
	if code != 1 || !regexp.MustCompile(`exhibition\.yaml:18:\d+: error: plates\[3\]\.images\[0\]\.path: "IMG_0004\.HEIC" is a HEIC \(HEIF.*\) file, which vitrine does not read \(convert it to JPEG or TIFF, e\.g\. heif-convert`).MatchString(stderr) {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
}
