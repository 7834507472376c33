package assets_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/exporters/assets/embedded"
	"github.com/vitrine-tools/vitrine/exporters/assets/icc/icctest"
	"github.com/vitrine-tools/vitrine/exporters/iiif"
	"github.com/vitrine-tools/vitrine/model"
)

// surveyExhibition has a CMYK JPEG with a printer's (LUT) profile, two
// camera JPEGs with GPS and serials, and a plain JPEG.
func surveyExhibition(t *testing.T) *model.Exhibition {
	dir := t.TempDir()
	cmyk, err := os.ReadFile("testdata/cmyk-adobe.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var jb bytes.Buffer
	jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 32, 32)), nil)
	camera := embedded.InsertSegments(jb.Bytes(), embedded.Segment(0xE1, append([]byte("Exif\x00\x00"), embedded.CameraEXIF(1, nil)...)))
	writeFile(t, filepath.Join(dir, "images/cmyk.jpg"), icctest.EmbedJPEG(cmyk, icctest.CMYKLUT("Coated FOGRA39 (test)"), 0, nil))
	writeFile(t, filepath.Join(dir, "images/a.jpg"), camera)
	writeFile(t, filepath.Join(dir, "images/b.jpg"), camera)
	writeFile(t, filepath.Join(dir, "images/plain.jpg"), jb.Bytes())
	writeFile(t, filepath.Join(dir, "exhibition.yaml"), []byte(`slug: survey
languages: [en]
title: Survey
rights: http://rightsstatements.org/vocab/InC/1.0/
plates:
  - number: "7"
    caption: Poster
    images: [{path: images/cmyk.jpg}]
  - number: "8"
    caption: Camera
    images: [{path: images/a.jpg}, {path: images/b.jpg}]
  - number: "9"
    caption: Plain
    images: [{path: images/plain.jpg}, {path: images/a.jpg}]
`))
	ex, err := model.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func TestSurvey(t *testing.T) {
	ex := surveyExhibition(t)
	ps, infos := model.Validate(ex, model.ValidateOptions{})
	if ps.HasErrors() {
		t.Fatal(ps.Error())
	}
	got := assets.Survey(ex, infos)
	var warn, notice []string
	for _, p := range got {
		switch p.Severity {
		case model.Warning:
			warn = append(warn, p.Error())
		case model.Notice:
			notice = append(notice, p.Error())
		}
	}
	if len(warn) != 1 || !strings.Contains(warn[0], `plates[0].images[0].path: "images/cmyk.jpg": its ICC profile "Coated FOGRA39 (test)" (CMYK, lookup tables) cannot be applied`) ||
		!strings.Contains(warn[0], "plate 7's published images will only approximate its colours") || !strings.Contains(warn[0], "exhibition.yaml:8:") {
		t.Errorf("warnings: %q", warn)
	}
	if len(notice) != 1 || !strings.Contains(notice[0], "notice: plates: 2 of 4 masters carry data that will not be published: GPS position (images/a.jpg, images/b.jpg); serial number (images/a.jpg, images/b.jpg); owner name") ||
		!strings.Contains(notice[0], "the bag keeps every master byte for byte") {
		t.Errorf("notices: %q", notice)
	}

	// The build says which plates are approximate.
	var summary string
	store, err := assets.New(ex, assets.Options{Progress: func(ev assets.Event) {
		if ev.Kind == assets.Finished {
			summary = ev.Colour
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Run(context.Background(), []assets.Deriver{iiif.Pyramid{}}); err != nil {
		t.Fatal(err)
	}
	if c := store.Master("images/cmyk.jpg").Colour; c.Converted || !strings.Contains(c.Approximate, `"Coated FOGRA39 (test)" (CMYK, lookup tables) is not applied`) {
		t.Errorf("CMYK master: %+v", c)
	}
	if !strings.Contains(summary, "colour: plate 7 (images/cmyk.jpg) is approximate: its ICC profile \"Coated FOGRA39 (test)\"") {
		t.Errorf("summary of the run: %q", summary)
	}
}
