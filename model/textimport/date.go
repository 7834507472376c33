package textimport

import (
	"regexp"

	"github.com/vitrine-tools/vitrine/model"
)

const monthRe = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`

// gregorianInText finds the Gregorian date phrases model.Normalize knows,
// inside a caption: "in June 1950", "on June 25, 1950", "25 June 1950",
// "c. 1950", "1950-1953", "1950s", "19th century", "in 1950" (a bare
// year only after "in").
var gregorianInText = regexp.MustCompile(`(?i)\b(?:(?:in|on)\s+)?(?:` +
	monthRe + `\s+\d{1,2},?\s+\d{4}\s*[-–—]\s*` + monthRe + `\s+\d{1,2},?\s+\d{4}` + `|` +
	monthRe + `\s+\d{1,2},?\s+\d{4}` + `|` +
	`\d{1,2}\s+` + monthRe + `,?\s+\d{4}` + `|` +
	monthRe + `,?\s+\d{4}` + `|` +
	`(?:c\.|ca\.|circa|about|approx\.|approximately)\s*\d{4}` + `|` +
	`\d{4}\s*[-–—/]\s*\d{4}` + `|` +
	`\d{1,2}(?:st|nd|rd|th)\s+century` + `|` +
	`\d{3}0s` + `)\b|\bin\s+\d{4}\b`)

// findDate finds the date of a caption: a Juche phrase as model.FindDate
// finds it, else the last Gregorian phrase that model.Normalize reads. The
// phrase is kept as written in Date.Text.
func findDate(s string) (string, model.Date, bool) {
	if phrase, d, ok := model.FindDate(s); ok {
		return phrase, d, true
	}
	locs := gregorianInText.FindAllStringIndex(s, -1)
	for i := len(locs) - 1; i >= 0; i-- {
		phrase := s[locs[i][0]:locs[i][1]]
		norm, note, err := model.Normalize(phrase)
		if err != nil {
			continue
		}
		return phrase, model.Date{Text: phrase, Normalized: norm, Note: note}, true
	}
	return "", model.Date{}, false
}
