package bagit

import (
	"fmt"
	"io"

	"github.com/vitrine-tools/vitrine/model"
)

// attachmentFile is a plate's attachment (PDF, audio, video): its path in
// the exhibition folder, its name in the bag under data/ (files/ and the
// plate's safe name), its plate and position, and its size.
type attachmentFile struct {
	original, name, plate string
	index                 int
	size                  int64
}

// attachmentFiles lists the attachments of every plate, named
// files/plate-<number>-<k><ext> (numbers that make the same safe name get
// a suffix).
func attachmentFiles(ex *model.Exhibition) ([]attachmentFile, error) {
	var out []attachmentFile
	used := map[string]bool{}
	for _, p := range ex.Plates {
		for k, a := range p.Attachments {
			f, err := ex.OpenImage(a.Path)
			if err != nil {
				return nil, fmt.Errorf("plate %s: attachment %s: %w", p.Number, a.Path, err)
			}
			st, err := f.Stat()
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("plate %s: attachment %s: %w", p.Number, a.Path, err)
			}
			base := fmt.Sprintf("files/plate-%s-%d", SafeName(p.Number), k+1)
			name := base + safeExt(a.Path)
			for n := 2; used[name]; n++ {
				name = fmt.Sprintf("%s~%d%s", base, n, safeExt(a.Path))
			}
			used[name] = true
			out = append(out, attachmentFile{original: a.Path, name: name, plate: p.Number, index: k + 1, size: st.Size()})
		}
	}
	return out, nil
}

// attachmentPayload is the payload entry of an attachment, read from the
// exhibition folder when the bag is written and hashed then.
func attachmentPayload(ex *model.Exhibition, a attachmentFile) File {
	return File{
		Path:  "data/" + a.name,
		Size:  a.size,
		Open:  func() (io.ReadCloser, error) { return ex.OpenImage(a.original) },
		Label: fmt.Sprintf("attachment %s (plate %s)", a.original, a.plate),
	}
}
