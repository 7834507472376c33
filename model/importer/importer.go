// Package importer holds what the importers (textimport, csvimport,
// folderimport) share: the Notice they report, the check that an input is
// UTF-8 text, slugs made from titles or folder names, and the natural order
// of file names.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind says what a Notice is about.
type Kind string

// The kinds of notice importers report.
const (
	// CutShort: a caption that looks cut short by the source; kept as written.
	CutShort Kind = "cut short"
	// NoFinalPunctuation: a caption without final punctuation, kept as a
	// complete caption (it may be a title-style caption, or cut short).
	NoFinalPunctuation Kind = "no final punctuation"
	// Numbering: a gap or a repeat in the plate numbers.
	Numbering Kind = "numbering"
	// NotUnderstood: a line kept as a note because it fits nowhere.
	NotUnderstood Kind = "not understood"
	// Dropped: a leftover of the source's web page that was dropped.
	Dropped Kind = "dropped"
	// Guess: a value the importer inferred (a date's year, a title, rights).
	Guess Kind = "guess"
	// Date: a date that could not be normalized; kept as written.
	Date Kind = "date"
	// ColumnChoice: which column of a sheet fills which field, said once.
	ColumnChoice Kind = "columns"
	// FileNote: how a file named by a sheet was found, or that a row
	// names none.
	FileNote Kind = "file"
	// Warning: what 'vitrine validate' would warn about.
	Warning Kind = "warning"
)

// Notice is one thing an importer guessed or doubts, with where it is.
type Notice struct {
	// Line is the 1-based line of the input (the first line of a CSV
	// record); 0 when it concerns the whole input.
	Line int
	// Column names the CSV column, if any.
	Column string
	// File names the image file, for the folder importer.
	File string
	Kind Kind
	Msg  string
}

// String formats the notice as "line N: kind: message".
func (n Notice) String() string {
	var b strings.Builder
	if n.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", n.Line)
	}
	if n.File != "" {
		fmt.Fprintf(&b, "%s: ", n.File)
	}
	if n.Column != "" {
		fmt.Fprintf(&b, "column %q: ", n.Column)
	}
	fmt.Fprintf(&b, "%s: %s", n.Kind, n.Msg)
	return b.String()
}

// ErrEncoding is wrapped by CheckText's errors: the input is not UTF-8.
var ErrEncoding = errors.New("not UTF-8")

// ErrControl is wrapped by CheckText's errors: the input holds a control
// character other than tab, line feed and carriage return.
var ErrControl = errors.New("control character")

// CheckText returns data without a UTF-8 byte order mark, or an error naming
// the encoding the input seems to be in (UTF-16, UTF-32, Latin-1/Windows-1252)
// and the line of the first bad byte.
func CheckText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}) || bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return nil, fmt.Errorf("%w: the file is UTF-32; save it as UTF-8", ErrEncoding)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return nil, fmt.Errorf("%w: the file is UTF-16 (little-endian, as Excel's \"Unicode Text\"); save it as UTF-8 (\"CSV UTF-8\")", ErrEncoding)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, fmt.Errorf("%w: the file is UTF-16 (big-endian); save it as UTF-8", ErrEncoding)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if n := bytes.Count(data, []byte{0}); n > 0 {
		if n*4 >= len(data) {
			return nil, fmt.Errorf("%w: the file looks like UTF-16 without a byte order mark (every other byte is zero); save it as UTF-8", ErrEncoding)
		}
		line := 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte{'\n'})
		return nil, fmt.Errorf("%w: line %d holds a NUL byte; this is not a text file", ErrEncoding, line)
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		line := 1 + bytes.Count(data[:i], []byte{'\n'})
		return nil, fmt.Errorf("%w: line %d has the byte 0x%02X, which is not UTF-8; the file looks like Latin-1 (ISO 8859-1) or Windows-1252: save it as UTF-8 (in Excel: \"CSV UTF-8\")", ErrEncoding, line, data[i])
	}
	// Other control characters cannot be written to the exhibition file
	// (model.Load refuses them, escaped or not): name the first one.
	line, col := 1, 1
	for _, r := range string(data) {
		switch {
		case r == '\n':
			line, col = line+1, 0
		case r == '\t' || r == '\r':
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			return nil, fmt.Errorf("%w: line %d, column %d holds U+%04X; remove it (it cannot appear in a caption or title)", ErrControl, line, col, r)
		}
		col++
	}
	return data, nil
}

// Slugify makes a slug ([a-z0-9] words joined by single hyphens) from a
// title or a folder name: letters lose their accents, other scripts and
// punctuation separate words. It returns "" when nothing is left.
func Slugify(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// combining accent: drop
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	return out
}

// NaturalLess orders names as people do: digit runs compare as numbers, so
// "2.jpg" comes before "10.jpg"; otherwise case-insensitively, then byte by
// byte so that the order is total.
func NaturalLess(a, b string) bool {
	if c := naturalCompare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c < 0
	}
	return a < b
}

func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if na != nb {
				return strings.Compare(na, nb)
			}
			if da != db { // same value, fewer leading zeros first
				return cmpInt(da, db)
			}
			a, b = a[da:], b[db:]
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmpInt(int(ra), int(rb))
		}
		a, b = a[sa:], b[sb:]
	}
	return cmpInt(len(a), len(b))
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
