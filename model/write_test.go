package model

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	e := &Exhibition{
		ID: ExhibitionID("x").String(), Slug: "x", Languages: []string{"en", "ko"},
		Title:        Text{"en": "Title: with a colon", "ko": "제목"},
		Summary:      Text{"en": "yes"},
		Introduction: Paragraphs{"en": {"One.", "Two: \"quoted\"."}},
		Edition:      "2024-01-02",
		Agents:       []Agent{{Name: Text{"en": "A. Curator"}, Roles: []string{"curator"}}},
		Rights:       "http://rightsstatements.org/vocab/UND/1.0/",
		Source:       &Source{File: "seed.txt", Note: "copied"},
		Sections:     []Section{{ID: "s", Title: Text{"en": "S"}}},
		Plates: []Plate{
			{Number: "1", Section: "s", Caption: Text{"en": "null"}, Date: Date{Text: "1950", Normalized: "1950"},
				Images: []Image{{Path: "a.jpg", Label: Text{"en": "recto"}}}, Metadata: []Field{{"Provenance", "true"}}},
			{Number: "2a", Section: "s", Caption: Text{"ko": "캡션"}, Notes: []string{"- not a list"}, Images: []Image{}},
		},
	}
	raw, err := Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("exhibition.yaml", raw)
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	for i := range back.Plates {
		back.Plates[i].ID, back.Plates[i].idDerived = "", false // derived on load
	}
	back.Dir, back.File, back.Raw, back.Positions = "", "", nil, nil
	if !reflect.DeepEqual(e, back) {
		t.Errorf("round trip differs:\n%#v\n%#v\n%s", e, back, raw)
	}
	again, _ := Marshal(back)
	if !bytes.Equal(raw, again) {
		t.Error("Marshal is not stable")
	}
	if !strings.Contains(string(raw), "title:\n  en: 'Title: with a colon'") && !strings.Contains(string(raw), "en: \"Title: with a colon\"") {
		t.Errorf("unexpected form:\n%s", raw)
	}
}

func TestMarshalKeepsGivenPlateIDs(t *testing.T) {
	given := "0b7e2a3c-1d4f-4a5b-9c6d-7e8f9a0b1c2d"
	raw := []byte("slug: x\nlanguages: [en]\ntitle: T\nrights: http://rightsstatements.org/vocab/UND/1.0/\nplates:\n  - id: " + given + "\n    number: \"1\"\n    caption: a\n    images: []\n  - number: \"2\"\n    caption: b\n    images: []\n")
	e, err := Parse("exhibition.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "id: "+given) {
		t.Errorf("given plate id lost:\n%s", out)
	}
	if strings.Count(string(out), "  - id: ") != 1 {
		t.Errorf("derived plate id written:\n%s", out)
	}
}

func TestWriteExhibition(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	e := &Exhibition{Slug: "x", Languages: []string{"en"}, Title: Text{"en": "T"}, Rights: "http://rightsstatements.org/vocab/UND/1.0/", Plates: []Plate{{Number: "1", Caption: Text{"en": "c"}}}}
	if _, err := WriteExhibition(dir, e, false); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "exhibition.json"), []byte("{}"), 0o644)
	os.Remove(filepath.Join(dir, "exhibition.yaml"))
	if _, err := WriteExhibition(dir, e, false); err == nil {
		t.Fatal("wrote beside an existing exhibition.json")
	}
}
