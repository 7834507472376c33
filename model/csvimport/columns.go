package csvimport

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/language"
)

// Field names the plate field a column fills.
type Field string

// The plate fields a column can fill.
const (
	Number      Field = "number"
	Caption     Field = "caption"
	Creator     Field = "creator"
	Date        Field = "date"
	Medium      Field = "medium"
	Dimensions  Field = "dimensions"
	Credit      Field = "credit"
	Rights      Field = "rights"
	Images      Field = "images"
	Alt         Field = "alt"
	Description Field = "description"
	Section     Field = "section"
	Place       Field = "place"
)

// Columns maps each recognized header name (lower case, spaces collapsed)
// to its field. When several columns name the same field, the one whose
// name and content fit best is chosen (see rank and chooseColumns); the
// others are kept as extra metadata.
var Columns = map[string]Field{
	"number": Number, "no": Number, "no.": Number, "nr": Number, "#": Number, "id": Number,
	"pid": Number, "identifier": Number, "plate": Number, "plate number": Number,
	"object number": Number, "inventory number": Number, "object no": Number, "object id": Number,
	"objectid": Number, "objectnumber": Number, "accession number": Number, "accession no": Number,
	"accessionnumber": Number, "accession": Number, "inventory no": Number, "inv no": Number,
	"inventory": Number, "catalogue number": Number, "catalog number": Number, "cat no": Number,
	"catalogue no": Number, "catalog no": Number, "plate no": Number, "record id": Number,
	"title": Caption, "caption": Caption, "label": Caption,
	"creator": Creator, "artist": Creator, "photographer": Creator, "maker": Creator, "author": Creator,
	"date": Date, "_date": Date, "year": Date, "date created": Date, "datetext": Date, "date text": Date,
	"display date": Date, "displaydate": Date, "date display": Date, "date made": Date,
	"medium": Medium, "technique": Medium,
	"dimensions": Dimensions, "size": Dimensions,
	"credit": Credit, "credit line": Credit, "creditline": Credit, "credit_line": Credit,
	"rights": Rights, "license": Rights, "licence": Rights, "rights statement": Rights,
	"rightsstatement": Rights, "rights uri": Rights, "license uri": Rights, "licence uri": Rights,
	"rights statement uri": Rights, "copyright status": Rights,
	"image": Images, "images": Images, "file": Images, "files": Images, "filename": Images,
	"file name": Images, "image file": Images, "image filename": Images, "image file name": Images,
	"image name": Images, "image files": Images, "filenames": Images, "file names": Images,
	"object location": Images, "media": Images, "media file": Images,
	"alt": Alt, "alt text": Alt, "alttext": Alt, "alt_text": Alt,
	"description": Description,
	"section":     Section,
	"place":       Place, "location": Place,
}

// rank orders the headers that name the same field, by what they mean:
// the institution's own number (accession, object, inventory or catalogue
// number) over a plate number over a database id; a text date as the
// source displays it over a numeric year. Higher is better; headers not
// listed rank 1.
var rank = map[string]int{
	// Number: the institution's number first, a database id last.
	"accession number": 4, "accession no": 4, "accessionnumber": 4, "accession": 4,
	"object number": 4, "object no": 4, "objectnumber": 4, "objectid": 4, "object id": 4,
	"inventory number": 4, "inventory no": 4, "inv no": 4, "inventory": 4,
	"catalogue number": 4, "catalog number": 4, "cat no": 4, "catalogue no": 4, "catalog no": 4,
	"number": 3, "no": 3, "no.": 3, "nr": 3, "#": 3, "plate": 3, "plate number": 3, "plate no": 3,
	"identifier": 2, "pid": 2,
	"id": 0, "record id": 0,
	// Date: the text as displayed first, a bare year last.
	"datetext": 3, "date text": 3, "display date": 3, "displaydate": 3, "date display": 3,
	"date": 2, "_date": 2, "date created": 2, "date made": 2,
	"year": 0,
	// Rights: ranked by content (URIs) first, see chooseColumns.
	// Images: a column of file names over a location.
	"object location": 0, "media": 0,
}

// normKey is a header as looked up: lower case, spaces collapsed, without
// a trailing colon.
func normKey(h string) string {
	return strings.TrimSuffix(strings.ToLower(spaceRe.ReplaceAllString(strings.TrimSpace(h), " ")), ":")
}

// normColumns maps each Columns name with full stops, "_" and "-" read as
// spaces to the name ("credit_line" -> "credit_line" under "credit line").
var normColumns = func() map[string]string {
	m := map[string]string{}
	for name := range Columns {
		n := strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(name)
		n = strings.TrimSpace(spaceRe.ReplaceAllString(n, " "))
		if prev, ok := m[n]; !ok || name < prev {
			m[n] = name
		}
	}
	return m
}()

// lookupColumn finds the field of a header key (lower case, spaces
// collapsed), ignoring full stops and "_" or "-" between words, so that
// "Object No.", "object_number" and "Image-Filename" are recognized. It
// also returns the key as found in Columns, for rank.
func lookupColumn(key string) (Field, string, bool) {
	if f, ok := Columns[key]; ok {
		return f, key, true
	}
	k := strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(key)
	k = strings.TrimSpace(spaceRe.ReplaceAllString(k, " "))
	if f, ok := Columns[k]; ok {
		return f, k, true
	}
	if name, ok := normColumns[k]; ok {
		return Columns[name], name, true
	}
	if nospace := strings.ReplaceAll(k, " ", ""); nospace != k {
		if f, ok := Columns[nospace]; ok {
			return f, nospace, true
		}
	}
	return "", "", false
}

// textFields may carry a language: "title:ko", "caption [ar]".
var textFields = map[Field]bool{Caption: true, Alt: true, Credit: true, Description: true}

var (
	langColRe = regexp.MustCompile(`^(.*?)\s*(?::|\[|\()\s*([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*)\s*[\])]?$`)
	// qualifierRe splits "date (circa)" into the field name and a qualifier.
	qualifierRe = regexp.MustCompile(`^(.*?)\s*(?:\(|\[)[^\])]*(?:\)|\])$`)
	yearRe      = regexp.MustCompile(`^-?\d{1,4}$`)
)

type column struct {
	header string // as written
	key    string // the name it was found under in Columns
	field  Field  // "" for extra metadata
	lang   string // for text fields
	// asCredit: a free-text rights column whose text becomes the credit.
	asCredit bool
}

// readHeader finds the field each header names (before any choice between
// columns naming the same field).
func readHeader(header []string, lang string, notice func(line int, col, format string, args ...any)) []column {
	cols := make([]column, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("Column %d", i+1)
		}
		cols[i].header = h
		key := normKey(h)
		f, name, ok := lookupColumn(key)
		l := ""
		if !ok {
			if m := langColRe.FindStringSubmatch(key); m != nil {
				if tf, ok2 := Columns[m[1]]; ok2 && textFields[tf] {
					if _, err := language.Parse(m[2]); err == nil {
						f, name, ok, l = tf, m[1], true, m[2]
					} else {
						notice(1, h, "%q is not a BCP 47 language tag; the column is kept as extra metadata", m[2])
					}
				}
			}
		}
		if !ok {
			// "Date (circa)", "Caption [draft]": a qualifier that is not a
			// language tag; the column fills the field it names.
			if m := qualifierRe.FindStringSubmatch(key); m != nil {
				if f, name, ok = lookupColumn(m[1]); ok {
					notice(1, h, "column %q read as %s", h, f)
				}
			}
		}
		if !ok {
			continue
		}
		if l == "" {
			l = lang
		}
		cols[i].field, cols[i].key, cols[i].lang = f, name, l
	}
	return cols
}

// slot is what two columns must share to compete: the field, and for
// text fields the language.
func (c column) slot() string {
	if textFields[c.field] {
		return string(c.field) + ":" + c.lang
	}
	return string(c.field)
}

// contentStats says what a column's values look like.
type contentStats struct {
	filled, unique, years, rightsURIs int
}

func stats(rows [][]string, i int) contentStats {
	var s contentStats
	seen := map[string]bool{}
	for _, r := range rows {
		if i >= len(r) {
			continue
		}
		v := strings.TrimSpace(r[i])
		if v == "" {
			continue
		}
		s.filled++
		if !seen[v] {
			seen[v] = true
			s.unique++
		}
		if yearRe.MatchString(v) {
			s.years++
		}
		if _, ok := rightsURI(v); ok {
			s.rightsURIs++
		}
	}
	return s
}

// chooseColumns settles which column fills each field when several name
// it, by meaning and content, and returns one line per choice for the
// column report. The columns not chosen are kept as extra metadata, except
// a free-text rights column beside a column of rights URIs, whose text
// becomes the credit when no column names one (else it is kept as
// metadata too).
//
//   - number: the institution's number (accession, object, inventory or
//     catalogue number) over a plate number over a database id ("id"); a
//     column whose values repeat loses to one whose values do not.
//   - date: a text date as displayed (dateText, display date, date) over a
//     numeric year; a column holding only years loses to one that does not.
//   - rights: the column holding rights URIs over one holding text.
func chooseColumns(cols []column, rows [][]string, lang string) []string {
	var order []string
	groups := map[string][]int{}
	for i, c := range cols {
		if c.field == "" {
			continue
		}
		s := c.slot()
		if _, ok := groups[s]; !ok {
			order = append(order, s)
		}
		groups[s] = append(groups[s], i)
	}
	var report []string
	hasCredit := false
	for _, c := range cols {
		if c.field == Credit {
			hasCredit = true
		}
	}
	for _, s := range order {
		g := groups[s]
		name := string(cols[g[0]].field)
		if l := cols[g[0]].lang; textFields[cols[g[0]].field] && l != lang {
			name += ":" + l
		}
		st := make(map[int]contentStats, len(g))
		for _, i := range g {
			st[i] = stats(rows, i)
		}
		score := func(i int) int {
			c, x := cols[i], st[i]
			r, ok := rank[c.key]
			if !ok {
				r = 1
			}
			sc := r * 10
			switch c.field {
			case Number:
				if x.filled > 0 && x.unique < x.filled {
					sc -= 100 // repeats: not an identifier of each row
				}
			case Date:
				if x.filled > 0 && x.years == x.filled {
					sc -= 5 // only bare years
				}
			case Rights:
				if x.rightsURIs > 0 {
					sc += 1000
				}
			}
			if x.filled == 0 {
				sc -= 1000
			}
			return sc
		}
		best := g[0]
		for _, i := range g[1:] {
			if score(i) > score(best) {
				best = i
			}
		}
		// A rights column without a single URI is text: the credit.
		if cols[best].field == Rights && st[best].rightsURIs == 0 && st[best].filled > 0 {
			best = -1
		}
		var others []string
		for _, i := range g {
			if i == best {
				continue
			}
			c := &cols[i]
			f := c.field
			c.field = ""
			if f == Rights && st[i].rightsURIs == 0 && !hasCredit {
				c.asCredit, hasCredit = true, true
				others = append(others, fmt.Sprintf("%q holds text, not rights URIs: it becomes the credit", c.header))
				continue
			}
			others = append(others, fmt.Sprintf("%q kept as metadata", c.header))
		}
		if best < 0 {
			report = append(report, fmt.Sprintf("rights: no column of rights URIs (%s)", strings.Join(others, "; ")))
			continue
		}
		line := fmt.Sprintf("%s <- %q", name, cols[best].header)
		if len(others) > 0 {
			line += " (over " + strings.Join(others, "; ") + ")"
		}
		report = append(report, line)
	}
	var meta []string
	for _, c := range cols {
		if c.field == "" && !c.asCredit {
			meta = append(meta, fmt.Sprintf("%q", c.header))
		}
	}
	if len(meta) > 0 {
		report = append(report, "kept as plate metadata, labelled with their headers: "+strings.Join(meta, ", "))
	}
	return report
}

// fieldColumn returns the index of the column that fills f (in the
// default language for text fields), or -1.
func fieldColumn(cols []column, f Field) int {
	for i, c := range cols {
		if c.field == f {
			return i
		}
	}
	return -1
}
