package model

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The words of dates as catalogues write them: English first, then the
// catalogue words of the other languages the labels speak (French, German,
// Spanish, Korean). The forms of dateforms.go are built from these lists; a
// word added here is read wherever its kind of word is.

// approxBefore and approxAfter say that a date is approximate (EDTF "~").
var approxBefore = words(
	"c.", "c", "ca.", "ca", "circa", "about", "around", "approx.", "approx", "approximately", "~",
	"vers", "env.", "environ", // French
	"um", "gegen", // German (ca. and circa as in English)
	"hacia", "h.", "aprox.", "alrededor de", // Spanish
	"약", // Korean
)
var approxAfter = words(
	"approx.", "approx", "approximately", "circa", "ca.", "ca", "(approx.)", "(circa)", "(ca.)", "~",
	"경", "전후", // Korean "1950년경", "1950년 전후"
	"頃", // Japanese "1950年頃"
)

// uncertainBefore and uncertainAfter say that a date is uncertain (EDTF "?").
var uncertainBefore = words(
	"?", "maybe", "perhaps", "probably", "possibly", "uncertain:", "uncertain",
	"peut-être", "probablement", // French
	"vermutlich", "wohl", // German
	"quizás", "probablemente", // Spanish
	"아마", // Korean
)
var uncertainAfter = words("?", "(?)", "maybe", "guess", "(uncertain)", "uncertain", "(probably)")

// Open ranges: a date with no earliest (before) or no latest (after) end.
const (
	beforeRe = `before|earlier than|prior to|not after|no later than|until|up to|` +
		`avant|jusqu'en|` + `vor|bis|` + `antes de|hasta`
	beforeAfterRe = `or earlier|or before|이전|以前`
	afterRe       = `after|later than|not before|no earlier than|since|` +
		`après|depuis|` + `nach|seit|` + `después de|desde`
	afterAfterRe = `or later|or after|이후|以後|以降`
)

// orRe joins the dates of which one is meant: "1864 or 1866".
const orRe = `or|ou|oder|o|또는`

// undatedRe: English, Latin, French, German, Spanish and Korean for "no date".
const undatedRe = `undated|n\.\s?d\.?|no date|unknown|date unknown|s\.\s?d\.?|sine dato|sans date|` +
	`o\.\s?J\.?|ohne Jahr|s\.\s?f\.?|sin fecha|연도\s*미상|날짜\s*미상|미상`

// monthNames maps every month name, lower case, to its number.
var monthNames = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
	// French
	"janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
	"août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
	// German (Mai, April, August, September, November as in English or French)
	"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
	// Spanish
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
	"agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}

// seasons maps season names to the EDTF season codes (21-24, northern
// hemisphere: winter runs into the next year).
var seasons = map[string]int{
	"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24,
	"printemps": 21, "été": 22, "automne": 23, "hiver": 24, // French
	"frühling": 21, "frühjahr": 21, "sommer": 22, "herbst": 23, // German
	"primavera": 21, "verano": 22, "otoño": 23, "invierno": 24, // Spanish
}

// parts maps the words for the first, middle and last third of a year,
// decade or century to 0, 1 and 2.
var parts = map[string]int{
	"early": 0, "mid": 1, "late": 2,
	"début": 0, "milieu": 1, "fin": 2, // French "début du XIXe siècle"
	"anfang": 0, "mitte": 1, "ende": 2, // German "Ende des 19. Jh."
	"principios": 0, "mediados": 1, "finales": 2, "fines": 2, // Spanish "finales del siglo XIX"
	"초": 0, "초반": 0, "중반": 1, "중엽": 1, "후반": 2, "말": 2, // Korean "19세기 말"
}

// eraRe: the eras written after a year or a century. Group 1 is before
// Christ (BC), group 2 the common era (AD); a final dot is optional.
const eraRe = `(BCE|B\.C\.E|BC|B\.C|v\.\s?Chr|av\.\s?J\.-C|a\.\s?C)|(CE|C\.E|AD|A\.D|n\.\s?Chr|apr\.\s?J\.-C|d\.\s?C)`

var (
	monthRe  = alternation(monthNames) + `\.?`
	seasonRe = alternation(seasons)
	partRe   = alternation(parts)
)

// alternation is a regular expression group matching any key of m, longest
// first (Go's regexp prefers the first alternative that matches).
func alternation[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return "(" + strings.Join(keys, "|") + ")"
}

// words sorts a list of words longest first, so that "circa" is tried before
// "c".
func words(ws ...string) []string {
	sort.SliceStable(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
	return ws
}

// cutWordBefore cuts one of ws from the start of s (ignoring case) and
// returns the rest, trimmed. A word that ends in a letter must not run on
// into another letter ("ca" is not the start of "cabinet").
func cutWordBefore(s string, ws []string) (string, bool) {
	for _, w := range ws {
		if len(s) <= len(w) || !strings.EqualFold(s[:len(w)], w) {
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(w)
		next, _ := utf8.DecodeRuneInString(s[len(w):])
		if isLatinLetter(last) && unicode.IsLetter(next) {
			continue
		}
		return strings.TrimSpace(s[len(w):]), true
	}
	return s, false
}

// cutWordAfter cuts one of ws from the end of s (ignoring case). A word that
// starts with a Latin letter must not follow a letter; the Korean and
// Japanese suffixes (경, 頃) are written joined to the date.
func cutWordAfter(s string, ws []string) (string, bool) {
	for _, w := range ws {
		i := len(s) - len(w)
		if i <= 0 || !strings.EqualFold(s[i:], w) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if isLatinLetter(first) && unicode.IsLetter(prev) {
			continue
		}
		return strings.TrimSpace(s[:i]), true
	}
	return s, false
}

func isLatinLetter(r rune) bool { return r < 0x250 && unicode.IsLetter(r) }
