package iiif

import (
	"html"
	"strings"

	"github.com/vitrine-tools/vitrine/model"
)

// langMap is a IIIF language map: BCP 47 tag (or "none") to strings.
// encoding/json writes its keys sorted, so output is reproducible.
type langMap map[string][]string

// words are vitrine's own labels, per language; a language missing here
// gets the English word under the tag "en", never an English word under
// another language's tag.
var words = map[string]map[string]string{
	"number":      {"en": "Number", "ko": "번호", "fr": "Numéro", "de": "Nummer", "es": "Número"},
	"plate":       {"en": "Plate", "ko": "도판", "fr": "Planche", "de": "Tafel", "es": "Lámina"},
	"date":        {"en": "Date", "ko": "날짜", "fr": "Date", "de": "Datierung", "es": "Fecha"},
	"datenorm":    {"en": "Date (EDTF)", "ko": "날짜 (EDTF)", "fr": "Date (EDTF)", "de": "Datierung (EDTF)", "es": "Fecha (EDTF)"},
	"creator":     {"en": "Creator", "ko": "제작자", "fr": "Auteur", "de": "Urheber", "es": "Autor"},
	"place":       {"en": "Place", "ko": "장소", "fr": "Lieu", "de": "Ort", "es": "Lugar"},
	"medium":      {"en": "Medium", "ko": "재료", "fr": "Technique", "de": "Technik", "es": "Técnica"},
	"dimensions":  {"en": "Dimensions", "ko": "크기", "fr": "Dimensions", "de": "Maße", "es": "Dimensiones"},
	"credit":      {"en": "Credit", "ko": "제공", "fr": "Crédit", "de": "Nachweis", "es": "Crédito"},
	"rights":      {"en": "Rights", "ko": "권리", "fr": "Droits", "de": "Rechte", "es": "Derechos"},
	"notes":       {"en": "Notes", "ko": "비고", "fr": "Notes", "de": "Anmerkungen", "es": "Notas"},
	"image":       {"en": "Image", "ko": "이미지", "fr": "Image", "de": "Bild", "es": "Imagen"},
	"curators":    {"en": "Curators", "ko": "큐레이터", "fr": "Commissariat", "de": "Kuratierung", "es": "Comisariado"},
	"dates":       {"en": "Dates", "ko": "전시 기간", "fr": "Dates", "de": "Laufzeit", "es": "Fechas"},
	"source":      {"en": "Source", "ko": "출처", "fr": "Source", "de": "Quelle", "es": "Fuente"},
	"subjects":    {"en": "Subjects", "ko": "주제", "fr": "Sujets", "de": "Schlagwörter", "es": "Materias"},
	"publisher":   {"en": "Publisher", "ko": "발행처", "fr": "Éditeur", "de": "Herausgeber", "es": "Editorial"},
	"epub":        {"en": "EPUB catalogue", "ko": "EPUB 도록", "fr": "Catalogue EPUB", "de": "EPUB-Katalog", "es": "Catálogo EPUB"},
	"data":        {"en": "Exhibition data (JSON)", "ko": "전시 데이터 (JSON)", "fr": "Données de l’exposition (JSON)", "de": "Ausstellungsdaten (JSON)", "es": "Datos de la exposición (JSON)"},
	"exhibitions": {"en": "Exhibitions", "ko": "전시", "fr": "Expositions", "de": "Ausstellungen", "es": "Exposiciones"},
	"retrieved":   {"en": "retrieved", "ko": "검색일", "fr": "consulté le", "de": "abgerufen am", "es": "consultado el"},
}

// base returns the primary subtag of a BCP 47 tag: "ko" for "ko-KR".
func base(tag string) string {
	b, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(b)
}

// word returns vitrine's label key in every language of langs it knows,
// or in English.
func word(key string, langs []string) langMap {
	m := langMap{}
	for _, l := range langs {
		if w, ok := words[key][base(l)]; ok {
			m[l] = []string{w}
		}
	}
	if len(m) == 0 {
		m["en"] = []string{words[key]["en"]}
	}
	return m
}

// text turns a model.Text into a language map of plain text, keeping every
// language it has a non-empty string in; nil when it has none. Pass it
// through value for a property that may hold HTML.
func text(t model.Text) langMap {
	m := langMap{}
	for _, k := range t.Langs() {
		if v := t[k]; v != "" {
			if k == "" {
				k = "none"
			}
			m[k] = []string{v}
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// in returns a single string tagged with lang (the exhibition's default
// language, in which the model stores untagged strings); nil when s is empty.
func in(lang, s string) langMap {
	if s == "" {
		return nil
	}
	return langMap{lang: {s}}
}

// htmlValue prepares plain text for a property that may hold HTML (summary,
// metadata and requiredStatement values). Clients differ: the spec says a
// value is HTML only when it starts with '<' and ends with '>', but some
// viewers sanitize every value as HTML and would drop "<and>" or garble
// "&amp;". So a text with '<', '>' or '&' is escaped and wrapped in one <p>
// element, which every client shows as written; other texts stay plain.
// Labels are never HTML and are not passed through here.
func htmlValue(s string) string {
	if strings.ContainsAny(s, "<>&") {
		return "<p>" + html.EscapeString(s) + "</p>"
	}
	return s
}

// value applies htmlValue to every string of m (a copy); nil stays nil.
func value(m langMap) langMap {
	if m == nil {
		return nil
	}
	out := langMap{}
	for k, vs := range m {
		for _, v := range vs {
			out[k] = append(out[k], htmlValue(v))
		}
	}
	return out
}

// paragraphs turns model.Paragraphs into a language map: one paragraph as
// plain text, several as one <p> element with the paragraphs separated by
// blank lines (<br/>), every paragraph HTML-escaped.
func paragraphs(p model.Paragraphs) langMap {
	m := langMap{}
	for k, ps := range p {
		var keep []string
		for _, s := range ps {
			if strings.TrimSpace(s) != "" {
				keep = append(keep, s)
			}
		}
		switch len(keep) {
		case 0:
			continue
		case 1:
			m[k] = []string{htmlValue(keep[0])}
		default:
			esc := make([]string, len(keep))
			for i, s := range keep {
				esc[i] = html.EscapeString(s)
			}
			m[k] = []string{"<p>" + strings.Join(esc, "<br/><br/>") + "</p>"}
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// join joins, language by language, the strings that several Texts have,
// for rows such as "Curators: A; B". A Text missing a language contributes
// its fallback (model.Text.Get), so no name disappears from a language.
func join(ts []model.Text, sep string) langMap {
	langs := map[string]bool{}
	for _, t := range ts {
		for _, k := range t.Langs() {
			if t[k] != "" {
				langs[k] = true
			}
		}
	}
	m := langMap{}
	for l := range langs {
		var parts []string
		for _, t := range ts {
			if v := t.Get(l); v != "" {
				parts = append(parts, v)
			}
		}
		m[l] = []string{strings.Join(parts, sep)}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// concat appends suffix to every string of m (a copy).
func concat(m langMap, suffix langMap) langMap {
	out := langMap{}
	for k, v := range m {
		s := v[0]
		if sv, ok := suffix[k]; ok {
			s += sv[0]
		} else if sv, ok := suffix["none"]; ok {
			s += sv[0]
		}
		out[k] = []string{s}
	}
	return out
}
