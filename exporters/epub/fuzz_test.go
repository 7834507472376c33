package epub

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
	"time"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

// wellFormed reports the first XML error in data, allowing only XML's own
// entities.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// FuzzText puts arbitrary strings in every text of an exhibition (titles,
// captions, names, notes, dates, metadata) and checks that every page body,
// the navigation document, the package document and the NCX stay
// well-formed XML: nothing reaches the markup unescaped.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"Tom & Jerry", "<script>alert(1)</script>", `"quotes" & 'apostrophes'`, "&nbsp;", "]]>",
		"😀 emoji", "صورة من الأرشيف", "한국어 설명", "\x00\x01\x1f control", "\xff\xfe invalid", "\uFFFE\uFFFF",
		"a\r\nb", "--> <!--", "<?xml?>", "&#0;",
	} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, s, number string) {
		if number == "" {
			number = "1"
		}
		ex := &model.Exhibition{
			ID: "4f1e2d3c-0000-5000-8000-000000000000", Slug: "fuzz", Languages: []string{"en", "ko"},
			Title: model.Text{"en": "T " + s, "ko": s}, Subtitle: model.Text{"en": s}, Summary: model.Text{"en": s},
			Introduction: model.Paragraphs{"en": {s, s}}, Credit: model.Text{"en": s},
			Rights: "http://creativecommons.org/licenses/by/4.0/", Subjects: []string{s},
			Agents:   []model.Agent{{Name: model.Text{"en": s, "ko": s}, Roles: []string{"curator", "publisher"}, Homepage: s}},
			Source:   &model.Source{Title: model.Text{"en": s}, URL: s, File: s, Note: s},
			Sections: []model.Section{{ID: "a", Title: model.Text{"en": s}, Introduction: model.Paragraphs{"ko": {s}}}},
			Plates: []model.Plate{{
				ID: "p", Number: number, Section: "a", Caption: model.Text{"en": s, "ko": s},
				Description: model.Paragraphs{"en": {s}}, Date: model.Date{Text: s, Note: s},
				Creator: s, Place: s, Medium: s, Dimensions: s, Credit: model.Text{"ko": s}, Rights: s,
				Alt: model.Text{"en": s}, Notes: []string{s}, Metadata: []model.Field{{Label: s, Value: s}},
			}},
			Notes: []string{s},
		}
		b := &exporters.Build{Exhibition: ex, Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Version: s, Log: io.Discard}
		bk, err := compose(b, "en", nil, nil)
		if err != nil {
			return // e.g. a title that is only spaces: refused, not written
		}
		for _, p := range bk.Pages {
			if err := wellFormed([]byte(`<body xmlns:epub="http://www.idpf.org/2007/ops">` + p.Body + `</body>`)); err != nil {
				t.Fatalf("page %s is not well-formed: %v\n%s", p.File, err, p.Body)
			}
			if err := wellFormed([]byte("<title>" + xmlText(p.Title) + "</title>")); err != nil {
				t.Fatalf("title of %s: %v", p.File, err)
			}
		}
		nav, err := navDocument(bk)
		if err != nil {
			t.Fatal(err)
		}
		for name, doc := range map[string][]byte{"nav": nav, "opf": packageDocument(bk), "ncx": ncxDocument(bk)} {
			if err := wellFormed(doc); err != nil {
				t.Fatalf("%s is not well-formed: %v\n%s", name, err, doc)
			}
		}
	})
}
