package csvimport

import (
	"strings"

	"github.com/vitrine-tools/vitrine/model"
)

// fileRef is a file of a plate, with the cell that named it.
type fileRef struct {
	line int
	col  string
	f    found
}

// problem is one thing wrong, or one warning, at a cell of the sheet.
type problem struct {
	line int
	col  string
	msg  string
	warn bool
}

// checkFile runs the checks of model.Validate on one file (present, inside
// its folder, a regular file, not empty; an image readable from its
// header and not over maxPixels, or an attachment of a known kind), so
// that the sheet's cell is named instead of a line of an exhibition file
// not yet written.
func checkFile(f found, maxPixels int64) []problem {
	pl := model.Plate{Number: "1", Caption: model.Text{"en": "check"}}
	prefix := "plates[0].images"
	if f.attachment {
		pl.Attachments = []model.Attachment{{Path: f.rel}}
		prefix = "plates[0].attachments"
	} else {
		pl.Images = []model.Image{{Path: f.rel}}
	}
	ex := &model.Exhibition{Dir: f.dir, Slug: "check", Languages: []string{"en"}, Title: model.Text{"en": "check"},
		Rights: UndeterminedRights, Edition: "2000-01-01", Plates: []model.Plate{pl}}
	ps, _ := model.Validate(ex, model.ValidateOptions{MaxPixels: maxPixels})
	var out []problem
	for _, p := range ps {
		if strings.HasPrefix(p.Path, prefix) {
			out = append(out, problem{msg: message(p), warn: p.Severity == model.Warning})
		}
	}
	return out
}

// message is a problem's text and hint, without its place.
func message(p model.Problem) string {
	if p.Hint != "" {
		return p.Msg + " (" + p.Hint + ")"
	}
	return p.Msg
}

// checkRest runs model.Validate on the exhibition without its files (they
// are checked one by one by checkFile) and places each problem at the row
// (lines[i] for plates[i]) and the column of the field it concerns (cols
// maps a field name such as "date" to its header). Warnings the importer
// reports itself (dates, plates without files) are left out.
func checkRest(ex *model.Exhibition, lines []int, cols map[string]string) []problem {
	c := *ex
	c.Plates = make([]model.Plate, len(ex.Plates))
	for i, p := range ex.Plates {
		p.Images, p.Attachments = nil, nil
		c.Plates[i] = p
	}
	ps, _ := model.Validate(&c, model.ValidateOptions{})
	var out []problem
	for _, p := range ps {
		line, field := 0, ""
		if rest, ok := strings.CutPrefix(p.Path, "plates["); ok {
			n := 0
			i := 0
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				n = n*10 + int(rest[i]-'0')
				i++
			}
			if n < len(lines) {
				line = lines[n]
			}
			field = strings.TrimPrefix(rest[i:], "]")
			field = strings.TrimPrefix(field, ".")
			if j := strings.IndexAny(field, ".["); j >= 0 {
				field = field[:j]
			}
		}
		warn := p.Severity == model.Warning
		if warn && (field == "date" || field == "images") {
			continue
		}
		out = append(out, problem{line: line, col: cols[field], msg: message(p), warn: warn})
	}
	return out
}
