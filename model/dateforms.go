package model

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The date forms Normalize reads, as two tables of pattern -> builder:
//
//   - statements: what a whole date text says (undated, supplied by the
//     cataloguer, an open range, one of two dates, a range, one date);
//   - forms: one date (a year, a month, a day, a season, a decade, a century,
//     a part of one of these), read after its qualifiers (c., ?, maybe ...)
//     and its era (AD, BC) are cut off.
//
// The words of each language are in datewords.go, the builders of the forms
// in datebuild.go. Before the statements, a label is cut off ("in", "the
// year", "active", "day in"); when no statement reads the whole text, the
// longest head before a comma, a semicolon or a bracket that one reads is the
// date and the rest is kept in the note ("1863, printed 1870").

// kind is what a form reads.
type kind int

const (
	kYear kind = iota
	kMonth
	kDay
	kSeason
	kDecade
	kCentury
	kNoYear // a month or a day of an unknown year: XXXX-06
	kPart   // a third of a year, decade or century: an interval of its own
)

// reading is one date as a form reads it, without its qualifier.
type reading struct {
	edtf string // the EDTF date; for kPart the interval "1950~/1952~"
	kind kind
	year int // kYear: the year (astronomical numbering)
	// kPart: the year, decade or century it is a part of ("195X") and the
	// years it covers ("1950-1952"), for a range that starts or ends in it.
	whole, span string
	// decade: for the 1800s read as a century, the reading as a decade.
	decade *reading
	note   string
}

// ctx is what a form's builder knows besides its match.
type ctx struct {
	era    int  // -1 before Christ, +1 common era, 0 none written
	approx bool // an approximation word comes with the date
	inPart bool // the date is the inside of a part ("early ...")
}

// form is one way of writing one date.
type form struct {
	name  string
	re    *regexp.Regexp
	era   bool // whether the form takes an era (AD, BC)
	build func(m []string, c ctx) (reading, error)
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// forms: one date. The first form whose pattern matches reads the date.
// (Set in init: the builders of parts read the date inside with core, which
// reads forms.)
var forms []form

func init() {
	forms = []form{
		{"year", re(`^(\d{1,4})$`), true, func(m []string, c ctx) (reading, error) { return yearReading(m[1], c) }},
		{"ISO 8601 month or day", re(`^(\d{4})-(\d{2})(?:-(\d{2}))?$`), false, func(m []string, c ctx) (reading, error) {
			return dayReading(m[1], m[2], m[3])
		}},
		{"ISO 8601 date and time", re(`^(\d{4})-(\d{2})-(\d{2})(?:T|\s+)(\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?$`), false, dateTime},
		{"EXIF date and time", re(`^(\d{4}):(\d{2}):(\d{2})(?:\s+(\d{2}:\d{2}(?::\d{2})?))?()$`), false, dateTime},
		{"day.month.year", re(`^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$`), false, func(m []string, c ctx) (reading, error) {
			return dayReading(m[3], m[2], m[1])
		}},
		{"month/year", re(`^(\d{1,2})[/.](\d{4})$`), false, func(m []string, c ctx) (reading, error) {
			if mo := atoi(m[1]); mo < 1 || mo > 12 {
				return reading{}, fmt.Errorf("%s is not a month (write the year and the month as %s-MM)", m[1], m[2])
			}
			return dayReading(m[2], m[1], "")
		}},
		{"day/month/year or month/day/year", re(`^(\d{1,2})/(\d{1,2})/(\d{4})$`), false, slashDate},
		{"year 년 month 월 day 일", re(`^(\d{4})\s*[년年](?:\s*(\d{1,2})\s*[월月](?:\s*(\d{1,2})\s*[일日])?)?$`), false, func(m []string, c ctx) (reading, error) {
			return dayReading(m[1], m[2], m[3])
		}},
		{"month day, year", re(`(?i)^` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$`), false, func(m []string, c ctx) (reading, error) {
			return dayReading(m[3], month(m[1]), m[2])
		}},
		{"day month year", re(`(?i)^(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?` + monthRe + `,?\s+(?:de\s+)?(\d{4})$`), false, func(m []string, c ctx) (reading, error) {
			return dayReading(m[3], month(m[2]), m[1])
		}},
		{"month year", re(`(?i)^` + monthRe + `,?\s+(?:of\s+|de\s+)?(\d{4})$`), false, func(m []string, c ctx) (reading, error) {
			return dayReading(m[2], month(m[1]), "")
		}},
		{"month day, no year", re(`(?i)^` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?$`), false, func(m []string, c ctx) (reading, error) {
			return noYear(month(m[1]), m[2])
		}},
		{"day month, no year", re(`(?i)^(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?` + monthRe + `$`), false, func(m []string, c ctx) (reading, error) {
			return noYear(month(m[2]), m[1])
		}},
		{"month, no year", re(`(?i)^` + monthRe + `$`), false, func(m []string, c ctx) (reading, error) { return noYear(month(m[1]), "") }},
		{"season year", re(`(?i)^` + seasonRe + `(?:\s+of|\s+de)?,?\s+(\d{4})$`), false, func(m []string, c ctx) (reading, error) {
			r, err := yearReading(m[2], c)
			r.edtf, r.kind = fmt.Sprintf("%s-%d", r.edtf, seasons[strings.ToLower(m[1])]), kSeason
			return r, err
		}},
		{"decade", re(`(?i)^(?:the\s+)?(\d{3})0'?s$`), false, decade(true)},
		{"decade, Korean", re(`^(\d{3})0\s*년대$`), false, decade(true)},
		{"decade, German", re(`(?i)^(\d{3})0er(?:\s+Jahre)?$`), false, decade(false)},
		{"decade, French", re(`(?i)^(?:les\s+)?années\s+(\d{3})0$`), false, decade(false)},
		{"decade, Spanish", re(`(?i)^(?:(?:los\s+)?años|(?:la\s+)?década\s+de)\s+(\d{3})0$`), false, decade(false)},
		{"century", re(`(?i)^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)[\s-]+(?:century|centuries|cent|c)\.?$`), true, century},
		{"century, short", re(`(?i)^(\d{1,2})c\.?$`), true, century},
		{"century, French", re(`(?i)^(\d{1,2}|[IVXL]+)(?:e|ème|eme|ᵉ)?\s+siècles?$`), true, century},
		{"century, German", re(`(?i)^(\d{1,2})\.\s*(?:Jh|Jhdt|Jahrhunderts?)\.?$`), true, century},
		{"century, Spanish", re(`(?i)^(?:el\s+)?(?:siglo|s\.)\s*([IVXL]+|\d{1,2})$`), true, century},
		{"century, Korean", re(`^(\d{1,2})\s*세기$`), true, century},
		{"part of a year, decade or century", re(`(?i)^` + partRe + `(?:[\s-]+(?:of\s+|du\s+|des\s+|de\s+la\s+|de\s+los\s+|del\s+|de\s+|der\s+)?)(.+)$`), false, part(1, 2)},
		{"part, after the date", re(`(?i)^(.+?)[\s-]+` + partRe + `$`), false, part(2, 1)},
		{"part, Korean", re(`^(.+?)\s*(초반|초|중반|중엽|후반|말)$`), false, part(2, 1)},
		{"Juche year", reJuche, false, juche},
	}
}

// core reads one date without qualifiers: the era is cut off, then the
// first form that matches builds the reading.
func core(s string, c ctx) (reading, error) {
	if traceForm != nil {
		traceForm("") // one more date read: counted by TestNormalizeWorkIsBounded
	}
	if m := reEraAfter.FindStringSubmatch(s); m != nil {
		s, c.era = strings.TrimSpace(m[1]), eraOf(m)
	} else if m := reEraBefore.FindStringSubmatch(s); m != nil {
		s, c.era = m[1], 1
	}
	for _, f := range forms {
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if traceForm != nil {
			traceForm(f.name)
		}
		if c.era != 0 && !f.era {
			return reading{}, formError{fmt.Errorf("%q: only a year or a century takes an era (AD, BC)", s)}
		}
		r, err := f.build(m, c)
		if err != nil {
			return reading{}, formError{err}
		}
		return r, nil
	}
	return reading{}, errUnknownForm
}

var (
	reEraAfter  = re(`(?i)^(.*[^\pL])\s*(?:` + eraRe + `)\.?$`)
	reEraBefore = re(`(?i)^(?:AD|A\.D\.)\s*(\d.*)$`)
)

func eraOf(m []string) int {
	if m[2] != "" {
		return -1
	}
	return 1
}

// qual is the qualifier of a date: approximate (~), uncertain (?) or both (%).
type qual struct{ approx, uncertain bool }

func (q qual) or(p qual) qual { return qual{q.approx || p.approx, q.uncertain || p.uncertain} }

func (q qual) String() string {
	switch {
	case q.approx && q.uncertain:
		return "%"
	case q.approx:
		return "~"
	case q.uncertain:
		return "?"
	}
	return ""
}

// qualifiers cuts the qualifier words from both ends of s, each list at
// most once.
func qualifiers(s string, before bool, after bool) (string, qual) {
	var q qual
	type list struct {
		ws     []string
		before bool
		set    *bool
	}
	lists := []list{{approxBefore, true, &q.approx}, {uncertainBefore, true, &q.uncertain}, {approxAfter, false, &q.approx}, {uncertainAfter, false, &q.uncertain}}
	done := make([]bool, len(lists))
	for changed := true; changed; {
		changed = false
		for i, l := range lists {
			if done[i] || (l.before && !before) || (!l.before && !after) {
				continue
			}
			var ok bool
			if l.before {
				s, ok = cutWordBefore(s, l.ws)
			} else {
				s, ok = cutWordAfter(s, l.ws)
			}
			if ok {
				*l.set, done[i], changed = true, true, true
			}
		}
	}
	return s, q
}

// single reads one date with its qualifiers.
func single(s string) (reading, qual, error) {
	rest, q := qualifiers(s, true, true)
	r, err := core(rest, ctx{approx: q.approx})
	if err != nil {
		return reading{}, q, err
	}
	if r.kind == kPart && (q.approx || q.uncertain) {
		return reading{}, q, formError{fmt.Errorf("%q: a part of a decade or a century is approximate already; write it without \"c.\" or \"?\"", s)}
	}
	return r, q, nil
}

// statement is one thing a whole date text can say.
type statement struct {
	name  string
	re    *regexp.Regexp
	build func(m []string) (edtf, note string, err error)
}

// statements: what a whole date text says. The first whose pattern matches
// and whose builder succeeds reads the text. (Set in init: a date in
// brackets is read with readStatement, which reads statements.)
var statements []statement

func init() {
	statements = []statement{
		{"undated", re(`(?i)^(?:` + undatedRe + `)$`), func(m []string) (string, string, error) { return "XXXX", "", nil }},
		{"supplied by the cataloguer", re(`^\[([^\[\]]+)\]$`), bracketed},
		{"between two dates", re(`(?i)^(?:between|entre|zwischen)\s+(.+?)\s+(?:and|et|und|y)\s+(.+)$`), func(m []string) (string, string, error) {
			return rangeOfEnds(m[1], m[2], qual{})
		}},
		{"from one date to another", re(`(?i)^(?:from|de|von|desde)\s+(.+?)\s+(?:to|à|au|bis|hasta|a|al)\s+(.+)$`), func(m []string) (string, string, error) {
			return rangeOfEnds(m[1], m[2], qual{})
		}},
		{"open start", re(`(?i)^(?:` + beforeRe + `)\s+(.+)$`), openRange(true)},
		{"open start, after the date", re(`(?i)^(.+?)\s*(?:` + beforeAfterRe + `)$`), openRange(true)},
		{"open end", re(`(?i)^(?:` + afterRe + `)\s+(.+)$`), openRange(false)},
		{"open end, after the date", re(`(?i)^(.+?)\s*(?:` + afterAfterRe + `)$`), openRange(false)},
		{"one of two dates", re(`(?i)^(.+?)\s+(?:` + orRe + `)\s+(.+)$`), oneOf},
		{"one date", re(`^(.+)$`), func(m []string) (string, string, error) {
			r, q, err := single(m[1])
			return r.edtf + q.String(), r.note, err
		}},
		{"range", re(`^(.+)$`), func(m []string) (string, string, error) { return rangeOf(m[1]) }},
	}
}

// readStatement reads a whole date text (without label and remainder).
func readStatement(s string) (edtf, note string, err error) {
	best := error(errUnknownForm)
	for _, st := range statements {
		m := st.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		edtf, note, err := st.build(m)
		if err == nil {
			if traceForm != nil {
				traceForm(st.name)
			}
			return edtf, note, nil
		}
		if rank(err) > rank(best) {
			best = err
		}
	}
	return "", "", best
}

// labels are cut from the start of a date text: what the date is of.
var labels = []struct {
	word  string
	apply func(edtf, note string) (string, string, error)
}{
	{"a day in ", dayIn}, {"day in ", dayIn}, {"month in ", monthIn},
	{"year in ", nil}, {"the year ", nil}, {"dated ", nil}, {"in ", nil}, {"on ", nil},
	{"active ", func(edtf, note string) (string, string, error) {
		return edtf, join(note, `"active": the years the maker was active`), nil
	}},
	{"fl. ", func(edtf, note string) (string, string, error) {
		return edtf, join(note, `"fl.", floruit: the years the maker was active`), nil
	}},
}

// readText reads a date text: its label, its statement and a remainder that
// is kept in the note.
func readText(s string) (edtf, note string, err error) {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(s, ".")
	var apply func(edtf, note string) (string, string, error)
	for _, l := range labels {
		if len(s) > len(l.word) && strings.EqualFold(s[:len(l.word)], l.word) {
			s, apply = strings.TrimSpace(s[len(l.word):]), l.apply
			break
		}
	}
	if s == "" {
		return "", "", fmt.Errorf("empty date")
	}
	edtf, note, err = readStatement(s)
	if errors.Is(err, errUnknownForm) {
		// Only a text that no form reads may be a date followed by more
		// text; one that a form reads and refuses ("June Juche 39
		// (1951)": Juche 39 is 1950) stays refused.
		edtf, note, err = readHead(s, err)
	}
	if err == nil && apply != nil {
		edtf, note, err = apply(edtf, note)
	}
	return edtf, note, err
}

// reSeparator finds where the date of "1863, printed 1870" ends.
var reSeparator = re(`[,;(]`)

// readHead reads a text whose whole is no date form: the longest head before
// a comma, a semicolon or a bracket that is one is the date, and the rest is
// kept in the note. Only the first four separators are tried.
func readHead(s string, whole error) (edtf, note string, err error) {
	locs := reSeparator.FindAllStringIndex(s, 4)
	for i := len(locs) - 1; i >= 0; i-- {
		head := strings.TrimSpace(s[:locs[i][0]])
		rest := strings.TrimSpace(strings.Trim(strings.TrimSpace(s[locs[i][0]:]), ",;()"))
		if head == "" || rest == "" {
			continue
		}
		edtf, note, err := readStatement(head)
		switch {
		case err != nil && !errors.Is(err, errUnknownForm):
			// A form reads the head and refuses it ("June Juche 39
			// (1951), printed 1960"): a shorter head is not the date.
			return "", "", err
		case err != nil, strings.HasPrefix(edtf, "XXXX-"):
			// No date, or a month with no year before more text (the
			// year is probably in the rest).
			continue
		}
		return edtf, join(note, fmt.Sprintf("the date is read from %q; the rest, %q, is kept as written", head, rest)), nil
	}
	return "", "", whole
}

func dayIn(edtf, note string) (string, string, error) {
	switch {
	case reYear.MatchString(edtf):
		return edtf + "-XX-XX", note, nil
	case reYearMonth.MatchString(edtf):
		return edtf + "-XX", note, nil
	}
	return "", "", fmt.Errorf("%s: \"day in\" takes a year or a month", edtf)
}

func monthIn(edtf, note string) (string, string, error) {
	if reYear.MatchString(edtf) {
		return edtf + "-XX", note, nil
	}
	return "", "", fmt.Errorf("%s: \"month in\" takes a year", edtf)
}

var (
	reYear      = re(`^\d{4}$`)
	reYearMonth = re(`^\d{4}-(?:0[1-9]|1[0-2])$`)
)

// bracketed: "[1950]", a date supplied by the cataloguer.
func bracketed(m []string) (string, string, error) {
	edtf, note, err := readStatement(strings.TrimSpace(m[1]))
	if err != nil {
		return "", "", err
	}
	return edtf, join("the brackets mark a date supplied by the cataloguer, not given by the source", note), nil
}

// openRange: "before 1900" (../1900), "after June 1945" (1945-06/..).
func openRange(before bool) func(m []string) (string, string, error) {
	return func(m []string) (string, string, error) {
		r, q, err := single(strings.TrimRight(m[1], ", ")) // "1950, or later"
		if err != nil {
			return "", "", err
		}
		if r.kind == kPart || r.kind == kNoYear {
			return "", "", formError{fmt.Errorf("%q: an open range takes a year, a month, a day, a season, a decade or a century", m[0])}
		}
		d := r.edtf + q.String()
		if before {
			return "../" + d, join(r.note, fmt.Sprintf("read as an open range ending in %s (EDTF ../%s): the source gives no earliest date", d, d)), nil
		}
		return d + "/..", join(r.note, fmt.Sprintf("read as an open range starting in %s (EDTF %s/..): the source gives no latest date", d, d)), nil
	}
}

// oneOf: "1864 or 1866" is the EDTF set [1864,1866]: one of the two, and
// not the years between them, which an interval would add.
func oneOf(m []string) (string, string, error) {
	var ds []string
	for _, s := range m[1:] {
		r, q, err := single(s)
		if err != nil {
			return "", "", err
		}
		if (r.kind != kYear && r.kind != kMonth && r.kind != kDay) || q != (qual{}) || r.year < 1 && r.kind == kYear {
			return "", "", formError{fmt.Errorf("%q: \"or\" joins years, months or days without qualifiers", m[0])}
		}
		ds = append(ds, r.edtf)
	}
	if ds[0] == ds[1] {
		return ds[0], "", nil
	}
	sort.Strings(ds)
	return "[" + strings.Join(ds, ",") + "]", "", nil
}

// reSeparators finds where a range may be cut in two: dashes, a slash, "to".
var reRangeSep = re(`\s*[-–—/]\s*|\s+(?:to|bis|à|au|al|a|hasta|until|till)\s+`)

// rangeOf reads "1525-1535", "c. 1786-9", "1856-ca. 1865": a qualifier
// before the whole range applies to both ends. Separators with spaces, en
// and em dashes and words are tried first, then slashes, then bare hyphens
// (so that "1950-06/1951" starts in June 1950); at most eight.
func rangeOf(s string) (string, string, error) {
	rest, q := qualifiers(s, true, false)
	locs := reRangeSep.FindAllStringIndex(rest, 8)
	prio := func(l []int) int {
		switch sep := rest[l[0]:l[1]]; {
		case sep == "/":
			return 1
		case sep == "-":
			return 2
		}
		return 0
	}
	sort.SliceStable(locs, func(i, j int) bool { return prio(locs[i]) < prio(locs[j]) })
	best := error(errUnknownForm)
	for _, l := range locs {
		edtf, note, err := rangeOfEnds(rest[:l[0]], rest[l[1]:], q)
		if err == nil {
			return edtf, note, nil
		}
		if rank(err) > rank(best) {
			best = err
		}
	}
	return "", "", best
}

// reShortEnd: the end of "1826-7", "1960-65".
var reShortEnd = re(`^\d{1,2}$`)

// reOrdinal: the start of "17th-19th centuries", "17-19th centuries".
var reOrdinal = re(`(?i)^(?:` + partRe + `[\s-]+)?(\d{1,2})(?:st|nd|rd|th)?$`)

// rangeOfEnds reads a range from its two ends; q qualifies both.
func rangeOfEnds(a, b string, q qual) (string, string, error) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return "", "", errUnknownForm
	}
	// An era written once after the range is both ends' era: "64-60 BC".
	era := ""
	if m := reEraAfter.FindStringSubmatch(b); m != nil && reEraAfter.FindStringSubmatch(a) == nil {
		era = " " + b[len(m[1]):]
	}
	ra, qa, errA := single(a + era)
	bRest, qb := qualifiers(b, false, true)
	var rb reading
	if reShortEnd.MatchString(bRest) && errA == nil && ra.kind == kYear && ra.year > 0 {
		// The end gives the last digits of a year: "1826-7", "1960-65".
		p := map[int]int{1: 10, 2: 100}[len(bRest)]
		y := ra.year - ra.year%p + atoi(bRest)
		if y <= ra.year {
			return "", "", rangeError{fmt.Errorf("%q is neither a month nor a range of years (%d is before %d)", a+"-"+b, y, ra.year)}
		}
		rb = reading{edtf: fmtYear(y), kind: kYear, year: y}
	} else {
		var errB error
		rb, qb, errB = single(b)
		if errB != nil {
			if errA != nil {
				return "", "", errA // no range: the start is no date either
			}
			return "", "", errB
		}
	}
	if m := reOrdinal.FindStringSubmatch(a); errA != nil && rb.kind == kCentury && m != nil {
		// "17th-19th centuries", "17-19th Centuries": the start is a
		// century too.
		inner := m[2] + "th century" + era
		if m[1] != "" {
			inner = m[1] + " " + inner
		}
		ra, qa, errA = single(inner)
	}
	if errA != nil {
		return "", "", errA
	}
	// "1800s-1850s": the 1800s are a decade when the other end is one.
	if ra.decade != nil && rb.kind == kDecade {
		ra = *ra.decade
	}
	if rb.decade != nil && ra.kind == kDecade {
		rb = *rb.decade
	}
	var notes []string
	end := func(r reading, rq qual, which string) (string, error) {
		switch r.kind {
		case kNoYear:
			return "", formError{fmt.Errorf("%q: a range needs years", a+" - "+b)}
		case kPart:
			// An EDTF range's end is one date: the part is written as
			// the whole it is a part of, and the note keeps it.
			notes = append(notes, fmt.Sprintf("the %s of the range, about %s, is written %s", which, r.span, r.whole))
			return r.whole + rq.or(q).String(), nil
		}
		if r.note != "" {
			notes = append(notes, r.note)
		}
		return r.edtf + rq.or(q).String(), nil
	}
	x, err := end(ra, qa, "start")
	if err != nil {
		return "", "", err
	}
	y, err := end(rb, qb, "end")
	if err != nil {
		return "", "", err
	}
	edtf := x + "/" + y
	if _, err := ParseEDTF(edtf); err != nil {
		return "", "", rangeError{fmt.Errorf("range %q ends before it starts", a+" - "+b)}
	}
	return edtf, strings.Join(notes, "; "), nil
}

// traceForm, when set (by a test), is told the name of every form that
// matches and every statement that reads a text, and "" whenever core reads
// a date.
var traceForm func(name string)

// errUnknownForm: no form reads the text.
var errUnknownForm = errors.New("not a date form vitrine knows")

// formError: a form reads the text, but what it says is no date (a 13th
// month, an ambiguous day and month).
type formError struct{ error }

func (e formError) Unwrap() error { return e.error }

// rangeError: both ends read, but they make no range.
type rangeError struct{ error }

func (e rangeError) Unwrap() error { return e.error }

// rank orders the errors of the forms tried: the most telling is reported.
func rank(err error) int {
	switch err.(type) {
	case rangeError:
		return 2
	case formError:
		return 1
	}
	return 0
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
