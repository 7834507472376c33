package epub

import (
	"regexp"
	"strings"
)

// rightsStatements names the statements of rightsstatements.org (in
// English, as the statements themselves are).
var rightsStatements = map[string]string{
	"InC":       "In Copyright",
	"InC-OW-EU": "In Copyright – EU Orphan Work",
	"InC-EDU":   "In Copyright – Educational Use Permitted",
	"InC-NC":    "In Copyright – Non-Commercial Use Permitted",
	"InC-RUU":   "In Copyright – Rights-holder(s) Unlocatable or Unidentifiable",
	"NoC-CR":    "No Copyright – Contractual Restrictions",
	"NoC-NC":    "No Copyright – Non-Commercial Use Only",
	"NoC-OKLR":  "No Copyright – Other Known Legal Restrictions",
	"NoC-US":    "No Copyright – United States",
	"CNE":       "Copyright Not Evaluated",
	"UND":       "Copyright Undetermined",
	"NKC":       "No Known Copyright",
}

var (
	ccLicenseRe = regexp.MustCompile(`^https?://creativecommons\.org/licenses/([a-z-]+)/([0-9.]+)/?`)
	ccPublicRe  = regexp.MustCompile(`^https?://creativecommons\.org/publicdomain/(zero|mark)/([0-9.]+)/?`)
	rsRe        = regexp.MustCompile(`^https?://rightsstatements\.org/vocab/([A-Za-z-]+)/1\.0/?$`)
)

// rightsName returns the short human name of a licence or rights statement
// URI ("CC BY 4.0", "Copyright Undetermined"), or "" when it is not one
// vitrine knows.
func rightsName(uri string) string {
	if m := ccLicenseRe.FindStringSubmatch(uri); m != nil {
		return "CC " + strings.ToUpper(m[1]) + " " + m[2]
	}
	if m := ccPublicRe.FindStringSubmatch(uri); m != nil {
		if m[1] == "zero" {
			return "CC0 " + m[2]
		}
		return "Public Domain Mark " + m[2]
	}
	if m := rsRe.FindStringSubmatch(uri); m != nil {
		return rightsStatements[m[1]]
	}
	return ""
}

// rightsRow is the tombstone and colophon row of a rights URI: its name,
// linked to the URI (the raw URI, which breaks mid-word on a phone, is not
// printed beside it); a URI vitrine cannot name is shown as it is, linked.
func rightsRow(label, labelLang, bookLang, uri string) row {
	r := row{Label: label, LabelLang: labelLang, Href: linkable(uri)}
	if name := rightsName(uri); name != "" {
		r.Value = ltext{S: name}
		if !strings.HasPrefix(bookLang, "en") {
			r.Value.Lang = "en"
		}
	} else {
		r.Value = plain(uri)
	}
	return r
}
