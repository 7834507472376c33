package iiif

import (
	"fmt"
	"path"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

// copyAttachments publishes every plate's attachments (PDF, audio, video)
// byte for byte at exporters.AttachmentPath and returns, per plate index,
// the links to them: the rendering of the plate's first canvas, or of the
// manifest when the plate has no image.
func copyAttachments(b *exporters.Build, ex *model.Exhibition) (map[int][]link, error) {
	out := map[int][]link{}
	for i := range ex.Plates {
		p := &ex.Plates[i]
		for k, a := range p.Attachments {
			kind, ok := a.Kind()
			if !ok {
				return nil, fmt.Errorf("plate %s: %s is not a PDF, audio or video file", p.Number, a.Path)
			}
			src, err := ex.ImagePath(a.Path)
			if err != nil {
				return nil, fmt.Errorf("plate %s: %w", p.Number, err)
			}
			rel := exporters.AttachmentPath(ex.Slug, p, k)
			if err := b.Out.CopyFile(rel, src); err != nil {
				return nil, fmt.Errorf("plate %s: %s: %w", p.Number, a.Path, err)
			}
			label := text(a.Label)
			if label == nil {
				label = langMap{"none": {p.Number + ": " + path.Base(a.Path)}}
			}
			out[i] = append(out[i], link{ID: b.URL(rel), Type: kind.Type, Label: label, Format: kind.MediaType})
		}
	}
	return out, nil
}
