package folderimport

import (
	"bytes"
	"encoding/xml"
	"strings"
)

const (
	nsDC        = "http://purl.org/dc/elements/1.1/"
	nsRDF       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsPhotoshop = "http://ns.adobe.com/photoshop/1.0/"
	nsXMP       = "http://ns.adobe.com/xap/1.0/"
	nsEXIF      = "http://ns.adobe.com/exif/1.0/"
)

// readXMP reads dc:title, dc:description, dc:creator, dc:rights, the
// keywords (dc:subject), the date the content was made
// (photoshop:DateCreated) and the capture date (exif:DateTimeOriginal,
// else xmp:CreateDate) from an XMP packet. For a language alternative it
// takes the x-default item, else the first; creators are joined with "; ".
func readXMP(d []byte, m *Meta) {
	dec := xml.NewDecoder(bytes.NewReader(d))
	dec.Strict = false
	var field string // dc field being read
	var items []string
	var langs []string
	var text strings.Builder
	inLi := false
	var dates = map[string]string{}
	var simple string // a simple date property being read
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Space == nsDC && field == "":
				switch t.Name.Local {
				case "title", "description", "creator", "rights", "subject":
					field, items, langs = t.Name.Local, nil, nil
				}
			case field != "" && t.Name.Space == nsRDF && t.Name.Local == "li":
				inLi = true
				text.Reset()
				lang := ""
				for _, a := range t.Attr {
					if a.Name.Local == "lang" {
						lang = a.Value
					}
				}
				langs = append(langs, lang)
			case t.Name.Space == nsRDF && t.Name.Local == "Description":
				for _, a := range t.Attr {
					if k := dateProp(a.Name); k != "" {
						dates[k] = a.Value
					}
				}
			case dateProp(t.Name) != "":
				simple = dateProp(t.Name)
				text.Reset()
			}
		case xml.CharData:
			if inLi || simple != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case inLi && t.Name.Space == nsRDF && t.Name.Local == "li":
				inLi = false
				items = append(items, strings.TrimSpace(text.String()))
			case simple != "" && dateProp(t.Name) == simple:
				dates[simple] = strings.TrimSpace(text.String())
				simple = ""
			case field != "" && t.Name.Space == nsDC && t.Name.Local == field:
				v := ""
				if field == "creator" {
					v = strings.Join(nonEmpty(items), "; ")
				} else {
					for i, l := range langs {
						if l == "x-default" && i < len(items) && items[i] != "" {
							v = items[i]
						}
					}
					if v == "" && len(nonEmpty(items)) > 0 {
						v = nonEmpty(items)[0]
					}
				}
				switch field {
				case "title":
					m.Title = v
				case "description":
					m.Description = v
				case "creator":
					m.Creator = v
				case "rights":
					m.Rights = v
				case "subject":
					m.Keywords = nonEmpty(items)
				}
				field = ""
			}
		}
	}
	m.Date = dates["photoshop:DateCreated"]
	for _, k := range []string{"exif:DateTimeOriginal", "xmp:CreateDate"} {
		if dates[k] != "" {
			m.Captured = dates[k]
			break
		}
	}
}

func dateProp(n xml.Name) string {
	switch {
	case n.Space == nsPhotoshop && n.Local == "DateCreated":
		return "photoshop:DateCreated"
	case n.Space == nsXMP && n.Local == "CreateDate":
		return "xmp:CreateDate"
	case n.Space == nsEXIF && n.Local == "DateTimeOriginal":
		return "exif:DateTimeOriginal"
	}
	return ""
}

func nonEmpty(l []string) []string {
	var out []string
	for _, s := range l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
