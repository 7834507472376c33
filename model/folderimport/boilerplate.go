package folderimport

import (
	"regexp"
	"strings"
)

// boilerplateRe matches the ImageDescription cameras write by default
// ("OLYMPUS DIGITAL CAMERA", "SANYO DIGITAL CAMERA", "SONY DSC",
// "KODAK Digital Still Camera", "DIGITAL CAMERA", "Minolta DSC",
// "<Digimax S500 / Kenox S500 / Digimax Cyber 530>", "default") and what
// scanner and phone software leave ("Scanned Image", "Picture", "Image").
var boilerplateRe = regexp.MustCompile(`(?i)^(?:` +
	`[a-z]*\s*digital (?:still )?camera|` +
	`[a-z]+ dsc|dsc|` +
	`<[^>]*>|` +
	`default|scanned image|picture|image|photo|untitled|none|n/a|` +
	`(?:img|dsc|dscn|dscf|p|pict|imag)[_-]?\d+(?:\.jpe?g)?` +
	`)$`)

// Boilerplate reports whether a caption read from an image's metadata is
// not a caption: empty, all spaces or NUL bytes, or text a camera or
// scanner writes by default (see boilerplateRe).
func Boilerplate(s string) bool {
	s = strings.TrimSpace(strings.Trim(s, "\x00 \t\r\n"))
	return s == "" || boilerplateRe.MatchString(s)
}
