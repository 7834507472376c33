package epub

import (
	"html/template"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vitrine-tools/vitrine/model"
)

// ltext is a piece of text and the language it is written in. Lang is ""
// when the text is in the book's language, so that only foreign text is
// marked with lang and xml:lang.
type ltext struct {
	S    string
	Lang string
}

// clean makes s safe to escape into XML: invalid UTF-8 becomes U+FFFD and
// characters that XML 1.0 forbids (C0 controls other than tab, newline and
// carriage return, U+FFFE, U+FFFF) are dropped. Escaping itself is left to
// html/template (pages) and xmlText (package document, NCX).
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	}
	return true
}

// xmlText escapes s for XML character data or a quoted attribute value.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range clean(s) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// langTagRe is the shape of a BCP 47 tag. Tags are checked before they are
// written into lang attributes, the one place a value is trusted as HTML.
var langTagRe = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// langAttrs returns ` lang="x" xml:lang="x" dir="d"` for a foreign tag (d
// the direction its language is written in), "" for the book's language
// (""). Used by the page templates as {{la .Lang}}.
func langAttrs(tag string) template.HTMLAttr {
	if tag == "" || !langTagRe.MatchString(tag) {
		return ""
	}
	dir := "ltr"
	if isRTL(tag) {
		dir = "rtl"
	}
	return template.HTMLAttr(` lang="` + tag + `" xml:lang="` + tag + `" dir="` + dir + `"`)
}

// textAttrs returns, for a book written right to left or not, the
// attributes of an element holding t (an ltext or a string in the book's
// language): langAttrs of a foreign text. Text in the book's language takes
// the page's direction, except text whose letters are all of the other
// direction (an identifier, a URL, a product name in a right-to-left book)
// and, in a right-to-left book, text without letters (dates, numbers),
// which get the dir they are read in, so that they keep their order. Used
// by the page templates as {{lt .}}.
func textAttrs(rtl bool) func(any) template.HTMLAttr {
	return func(v any) template.HTMLAttr {
		var t ltext
		switch v := v.(type) {
		case ltext:
			t = v
		case string:
			t = ltext{S: v}
		}
		if t.Lang != "" {
			return langAttrs(t.Lang)
		}
		l, r := letters(t.S)
		switch {
		case rtl && !r && (l || t.S != ""):
			return ` dir="ltr"`
		case !rtl && r && !l:
			return ` dir="rtl"`
		}
		return ""
	}
}

// letters reports whether s has letters written left to right and letters
// written right to left (strong characters; digits and punctuation are
// neither).
func letters(s string) (ltr, rtl bool) {
	for _, c := range s {
		switch {
		case unicode.In(c, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko, unicode.Samaritan, unicode.Mandaic):
			rtl = true
		case unicode.IsLetter(c):
			ltr = true
		}
	}
	return ltr, rtl
}

// rtlLanguages are primary language subtags written right to left.
var rtlLanguages = map[string]bool{
	"ar": true, "arc": true, "ckb": true, "dv": true, "fa": true, "he": true, "iw": true,
	"ps": true, "sd": true, "syr": true, "ug": true, "ur": true, "yi": true,
}

// isRTL reports whether a language is written right to left.
func isRTL(tag string) bool {
	p := strings.ToLower(strings.SplitN(tag, "-", 2)[0])
	if rtlLanguages[p] {
		return true
	}
	return strings.Contains(strings.ToLower(tag), "-arab") || strings.Contains(strings.ToLower(tag), "-hebr")
}

// texts picks strings out of the exhibition's language maps for one book
// language.
type texts struct {
	lang  string   // the book's language
	first string   // the exhibition's first language: that of untagged strings
	order []string // the exhibition's languages, book language first
}

// untagged returns a plain string of the exhibition file (a plate's date as
// written, medium, notes), which is in the exhibition's first language, so
// that a book in another language marks it.
func (x texts) untagged(s string) ltext { return ltext{S: clean(s), Lang: x.mark(x.first)} }

func newTexts(ex *model.Exhibition, lang string) texts {
	order := []string{lang}
	for _, l := range ex.Languages {
		if l != lang {
			order = append(order, l)
		}
	}
	return texts{lang: lang, first: ex.Lang(), order: order}
}

// mark returns "" for the book's language, else the tag.
func (x texts) mark(l string) string {
	if l == x.lang {
		return ""
	}
	return l
}

// pick returns t in the book's language, else in the first language of the
// exhibition that has it (model.Text.Lookup, the one fallback rule), with
// the language it is in.
func (x texts) pick(t model.Text) ltext {
	s, l := t.Lookup(x.order...)
	if s == "" {
		return ltext{}
	}
	if l == "" {
		l = x.lang
	}
	return ltext{S: clean(s), Lang: x.mark(l)}
}

// others returns t in every language other than the one pick chose, in the
// exhibition's language order, then any remaining tags sorted.
func (x texts) others(t model.Text) []ltext {
	chosen := x.pick(t)
	seen := map[string]bool{}
	var out []ltext
	add := func(l string) {
		if seen[l] || l == "" {
			return
		}
		seen[l] = true
		if s := t[l]; s != "" && x.mark(l) != chosen.Lang {
			out = append(out, ltext{S: clean(s), Lang: x.mark(l)})
		}
	}
	for _, l := range x.order {
		add(l)
	}
	for _, l := range t.Langs() {
		add(l)
	}
	return out
}

// paras returns paragraphs in the book's language with the same fallback,
// blank ones left out.
func (x texts) paras(p model.Paragraphs) []ltext {
	ps, l := p.Lookup(x.order...)
	var out []ltext
	for _, s := range ps {
		if strings.TrimSpace(s) != "" {
			out = append(out, ltext{S: clean(s), Lang: x.mark(l)})
		}
	}
	return out
}

// plain returns an untagged string (plate fields such as medium) as text of
// the book's language.
func plain(s string) ltext { return ltext{S: clean(s)} }

// shorten cuts s to at most n runes at a word boundary, adding an ellipsis,
// for table-of-contents entries and page titles.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–—") + "…"
}
