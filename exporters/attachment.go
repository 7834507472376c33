package exporters

import (
	"fmt"
	"path"
	"strings"

	"github.com/vitrine-tools/vitrine/model"
)

// AttachmentPath is where the IIIF exporter publishes attachment k (from
// 0) of plate p, a PDF, audio or video file, and where the EPUB links to
// it: iiif/<slug>/files/<plate id>-<k+1><ext>. The plate's UUID keeps the
// name stable across rebuilds and distinct between plates.
func AttachmentPath(slug string, p *model.Plate, k int) string {
	id := p.ID
	if id == "" {
		id = "plate-" + p.Number
	}
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	ext := strings.ToLower(path.Ext(p.Attachments[k].Path))
	if _, ok := model.AttachmentKinds[ext]; !ok {
		ext = ""
	}
	return fmt.Sprintf("%s/files/%s-%d%s", IIIFDir(slug), b.String(), k+1, ext)
}
