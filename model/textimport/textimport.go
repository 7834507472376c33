// Package textimport turns a plain-text exhibition listing, as copied from a
// web page or a PDF, into an exhibition: introduction paragraphs, then
// numbered captions "N. text" that may wrap over several lines (with or
// without blank lines between them), some cut short, with navigation
// leftovers at the end.
//
// The importer keeps every word of the source. It joins wrapped lines,
// finds and normalizes the date of each caption as model.FindDate does, and
// reports each thing it guessed or doubts as an importer.Notice with its line
// number: captions that look cut short (also noted on the plate), captions
// without final punctuation, gaps and repeats in the numbering, lines it did
// not understand (kept as exhibition notes, never dropped) and the
// navigation leftovers it dropped.
package textimport

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/importer"
)

// UndeterminedRights is the rights statement given when none is known:
// copyright status undetermined.
const UndeterminedRights = "http://rightsstatements.org/vocab/UND/1.0/"

// Options tune Import.
type Options struct {
	// Title of the exhibition; when empty, a short first line without final
	// punctuation is taken as the title, else the file name.
	Title string
	// Lang is the BCP 47 tag of the text; default "en".
	Lang string
	// Slug of the exhibition; when empty it is made from the title.
	Slug string
	// Rights is the rights statement URI; default UndeterminedRights.
	Rights string
	// SourceFile is the input's name, recorded in source.file and used for
	// the title when there is none.
	SourceFile string
}

// ErrNoCaptions is returned when the text holds no numbered caption.
var ErrNoCaptions = errors.New("no numbered captions")

var (
	// captionRe matches a numbered caption line: "1. text", "2) text",
	// "3: text", "4 - text" (also en and em dashes), "5.Text" with no space,
	// each optionally after "Fig.", "Figure", "Plate", "Pl.", "No." or
	// "Cat.". Groups: number, letter, separator, text.
	captionRe = regexp.MustCompile(`^(?:(?i:fig(?:ure)?|plate|pl|no|nr|cat)\.?\s*)?(\d{1,3})([a-zA-Z]?)([.):]\s+|\s+[-–—]\s+|\.)(\S.*)$`)
	// Navigation leftovers of a web page.
	navRe = regexp.MustCompile(`(?i)^(?:<<|«|‹|←|<)\s*.*$|^.*\s*(?:>>|»|›|→)$|^(?:previous|next|back|back to top|top|home|print|share|close|more|menu|search|previous exhibition|next exhibition|previous page|next page)$`)
	// Terminal punctuation, possibly followed by closing quotes or brackets.
	finalRe = regexp.MustCompile(`[.!?…][”’"')\]]*$`)
	// Only symbols, digits and spaces: page numbers, rules, bullets.
	symbolsRe = regexp.MustCompile(`^[\p{P}\p{S}\p{N}\s]+$`)
	spaceRe   = regexp.MustCompile(`[ \t\p{Zs}]+`)
)

// numberLikeRe is a line that begins like a caption number vitrine does not
// take for one: a Roman numeral ("IV."), "12bis.", "#3".
var numberLikeRe = regexp.MustCompile(`^(?:[IVXLC]{1,6}[.)]|\d{1,3}[a-z]{2,4}[.)]|#\s?\d{1,3}\b)\s`)

// firstWords returns the first few words of s, for a notice.
func firstWords(s string) string {
	f := strings.Fields(s)
	if len(f) > 4 {
		return strings.Join(f[:4], " ") + "…"
	}
	return s
}

// parseCaption splits a numbered caption line into its number, sub-letter
// and text. A full stop with no space after it ("10.Caption") counts only
// before a capital letter, so that "1.5 metres" is not a caption.
func parseCaption(text string) (num, letter, rest string, ok bool) {
	m := captionRe.FindStringSubmatch(text)
	if m == nil {
		return "", "", "", false
	}
	if m[3] == "." {
		r, _ := utf8.DecodeRuneInString(m[4])
		if !unicode.IsUpper(r) {
			return "", "", "", false
		}
	}
	return m[1], m[2], m[4], true
}

// dangling are words a complete English caption does not end on.
var dangling = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "at": true,
	"to": true, "with": true, "for": true, "from": true, "by": true, "and": true, "or": true,
	"but": true, "into": true, "onto": true, "as": true, "than": true, "under": true,
	"over": true, "after": true, "before": true, "through": true, "during": true,
	"about": true, "against": true, "between": true, "among": true, "toward": true,
	"towards": true, "upon": true, "within": true, "without": true, "its": true,
	"their": true, "his": true, "her": true, "our": true, "this": true, "that": true,
	"these": true, "those": true, "which": true, "who": true, "whose": true, "where": true,
}

type line struct {
	n    int // 1-based
	text string
}

type caption struct {
	number string
	line   int
	parts  []string
	gap    int // blank lines after its last text line
}

// Import reads a plain-text listing. It returns the exhibition (which
// passes model.Validate, with a warning for each plate that has no image)
// and the notices, in line order. Errors name the line.
func Import(data []byte, opt Options) (*model.Exhibition, []importer.Notice, error) {
	data, err := importer.CheckText(data)
	if err != nil {
		return nil, nil, err
	}
	if opt.Lang == "" {
		opt.Lang = "en"
	}
	if opt.Rights == "" {
		opt.Rights = UndeterminedRights
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var lines []line
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(spaceRe.ReplaceAllString(l, " "))
		lines = append(lines, line{i + 1, l})
	}
	var notes []importer.Notice
	notice := func(n int, k importer.Kind, format string, args ...any) {
		notes = append(notes, importer.Notice{Line: n, Kind: k, Msg: fmt.Sprintf(format, args...)})
	}

	// Trailing navigation leftovers.
	end := len(lines)
	for end > 0 {
		l := lines[end-1]
		if l.text == "" {
			end--
			continue
		}
		if navRe.MatchString(l.text) {
			notice(l.n, importer.Dropped, "%q (navigation of the web page the text was copied from)", l.text)
			end--
			continue
		}
		break
	}
	// The trailing blank lines still count for the last caption's gap.
	body := lines[:end]
	trailingBlank := 0
	for i := end; i < len(lines) && lines[i].text == ""; i++ {
		trailingBlank++
	}

	first := -1
	for i, l := range body {
		if _, _, _, ok := parseCaption(l.text); ok {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, nil, fmt.Errorf("%w: no line starts like \"1. caption\"; is this a caption list?", ErrNoCaptions)
	}

	// Introduction: paragraphs separated by blank lines.
	var paras []string
	var paraLine []int
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, l := range body[:first] {
		if l.text == "" {
			flush()
			continue
		}
		if len(cur) == 0 {
			paraLine = append(paraLine, l.n)
		}
		cur = append(cur, l.text)
	}
	flush()
	// A paragraph that stops without final punctuation and is followed by
	// one that starts in lower case was wrapped with a blank line: join.
	for i := 0; i+1 < len(paras); {
		if !finalRe.MatchString(paras[i]) && startsLower(paras[i+1]) {
			notice(paraLine[i+1], importer.Guess, "joined to the paragraph of line %d (it continues a sentence)", paraLine[i])
			paras[i] += " " + paras[i+1]
			paras = append(paras[:i+1], paras[i+2:]...)
			paraLine = append(paraLine[:i+1], paraLine[i+2:]...)
			continue
		}
		i++
	}
	title := opt.Title
	if title == "" && len(paras) > 0 && !finalRe.MatchString(paras[0]) && len(strings.Fields(paras[0])) <= 20 {
		title = paras[0]
		notice(paraLine[0], importer.Guess, "took %q as the title (a short first line without final punctuation)", title)
		paras = paras[1:]
	}
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(opt.SourceFile), filepath.Ext(opt.SourceFile))
		if title == "" || title == "." {
			title = "Untitled exhibition"
		}
		notice(0, importer.Guess, "no title given: the title is %q; give --title or edit title:", title)
	}

	// Captions.
	var caps []*caption
	var exNotes []string
	var c *caption
	blanks := 0
	for _, l := range body[first:] {
		if l.text == "" {
			blanks++
			continue
		}
		if num, letter, rest, ok := parseCaption(l.text); ok {
			if c != nil {
				c.gap = blanks
			}
			c = &caption{number: strings.TrimLeft(num, "0") + strings.ToLower(letter), line: l.n, parts: []string{rest}}
			if c.number == strings.ToLower(letter) {
				c.number = "0" + c.number
			}
			caps = append(caps, c)
			blanks = 0
			continue
		}
		stray := symbolsRe.MatchString(l.text) && (c == nil || finalRe.MatchString(c.parts[len(c.parts)-1]))
		if blanks >= 2 || stray || navRe.MatchString(l.text) {
			if c != nil {
				c.gap = blanks
			}
			notice(l.n, importer.NotUnderstood, "kept as an exhibition note: %q", l.text)
			exNotes = append(exNotes, fmt.Sprintf("Line %d of the source, not understood by the importer and kept here: %s", l.n, l.text))
			c, blanks = nil, 0
			continue
		}
		if c == nil {
			notice(l.n, importer.NotUnderstood, "kept as an exhibition note: %q", l.text)
			exNotes = append(exNotes, fmt.Sprintf("Line %d of the source, not understood by the importer and kept here: %s", l.n, l.text))
			blanks = 0
			continue
		}
		if numberLikeRe.MatchString(l.text) {
			notice(l.n, importer.Numbering, "%q starts like a numbered caption but is not numbered as vitrine reads captions (1. 2) 3 - Fig. 4.); it was joined to caption %s: if it is a caption of its own, number it so and import again", firstWords(l.text), c.number)
		}
		c.parts = append(c.parts, l.text)
		blanks = 0
	}
	if c != nil {
		c.gap = blanks + trailingBlank
	}
	// The layout's usual spacing between captions; a caption followed by
	// more blank lines than that has lost a line.
	gaps := map[int]int{}
	for _, x := range caps[:len(caps)-1] {
		gaps[x.gap]++
	}
	usual, best := 0, -1
	for g := 0; g <= 3; g++ {
		if gaps[g] > best {
			usual, best = g, gaps[g]
		}
	}

	ex := &model.Exhibition{
		Languages:    []string{opt.Lang},
		Title:        model.Text{opt.Lang: title},
		Rights:       opt.Rights,
		Introduction: model.Paragraphs{},
		Notes:        exNotes,
	}
	if len(paras) > 0 {
		ex.Introduction[opt.Lang] = paras
	}
	ex.Slug = opt.Slug
	if ex.Slug == "" {
		ex.Slug = importer.Slugify(title)
	}
	if ex.Slug == "" {
		ex.Slug = "exhibition"
	}
	ex.ID = model.ExhibitionID(ex.Slug).String()
	if opt.SourceFile != "" {
		ex.Source = &model.Source{File: filepath.Base(opt.SourceFile), Note: "Imported with vitrine import text: wrapped lines joined, every word kept."}
	}
	if opt.Rights == UndeterminedRights {
		notice(0, importer.Guess, "rights set to %s (copyright status undetermined); give --rights or edit rights: when the status is known", UndeterminedRights)
	}

	seen := map[string]int{}
	prev := 0
	for _, x := range caps {
		num := x.number
		n, _ := strconv.Atoi(strings.TrimRight(num, "abcdefghijklmnopqrstuvwxyz"))
		sub := num != strconv.Itoa(n)
		if at, dup := seen[num]; dup {
			k := 2
			for {
				cand := fmt.Sprintf("%s-%d", num, k)
				if _, used := seen[cand]; !used {
					num = cand
					break
				}
				k++
			}
			notice(x.line, importer.Numbering, "number %s repeats the caption of line %d; this plate is numbered %s", x.number, at, num)
		} else if prev > 0 && n != prev+1 {
			switch {
			case n == prev:
			case n > prev+1 && n-prev-1 == 1:
				notice(x.line, importer.Numbering, "number %d follows %d: number %d is missing", n, prev, prev+1)
			case n > prev+1:
				notice(x.line, importer.Numbering, "number %d follows %d: numbers %d to %d are missing", n, prev, prev+1, n-1)
			default:
				notice(x.line, importer.Numbering, "number %d follows %d: the numbering goes back", n, prev)
			}
		} else if !sub && prev == 0 && n != 1 && len(seen) == 0 {
			notice(x.line, importer.Numbering, "the first caption is number %d, not 1", n)
		}
		seen[num] = x.line
		if !sub || n > prev { // "4a" after "3" is number 4
			prev = n
		}
		capText := strings.Join(x.parts, " ")
		p := model.Plate{Number: num, Caption: model.Text{opt.Lang: capText}}
		if why := cutShort(capText, x.gap > usual); len(why) > 0 {
			notice(x.line, importer.CutShort, "caption %s: %s; kept as published, with a note on the plate", x.number, strings.Join(why, "; "))
			p.Notes = append(p.Notes, "The source cuts this caption short ("+strings.Join(why, "; ")+"); it is kept as published.")
		} else if !finalRe.MatchString(capText) {
			notice(x.line, importer.NoFinalPunctuation, "caption %s ends %q without final punctuation; kept as a complete caption", x.number, lastWords(capText, 3))
		}
		if phrase, d, ok := findDate(capText); ok {
			p.Date = d
			switch {
			case d.Normalized == "":
				_, _, err := model.Normalize(phrase)
				notice(x.line, importer.Date, "caption %s: date %q kept as written, not normalized: %v", x.number, phrase, err)
			case d.Note != "":
				notice(x.line, importer.Guess, "caption %s: date %q normalized as %s: %s", x.number, phrase, d.Normalized, d.Note)
			}
		}
		ex.Plates = append(ex.Plates, p)
	}
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].Line < notes[j].Line })
	return ex, notes, nil
}

// cutShort says why a caption looks cut short, or nothing.
func cutShort(s string, lostLine bool) []string {
	var why []string
	final := finalRe.MatchString(s)
	if strings.Count(s, "(") > strings.Count(s, ")") {
		why = append(why, "a parenthesis is not closed")
	}
	if !final {
		w := strings.ToLower(strings.Trim(lastWords(s, 1), `,;:"“”'’`))
		if dangling[w] {
			why = append(why, fmt.Sprintf("it ends on %q", lastWords(s, 1)))
		}
		if lostLine {
			why = append(why, "it ends without final punctuation, and an empty line stands where its last line would be")
		}
	}
	if strings.HasSuffix(s, ",") || strings.HasSuffix(s, "-") {
		why = append(why, "it ends on "+string(s[len(s)-1]))
	}
	return why
}

func lastWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	return strings.Join(f, " ")
}

func startsLower(s string) bool {
	for _, r := range s {
		return r >= 'a' && r <= 'z'
	}
	return false
}
