package serve

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
)

// listingTmpl is the page served at / when OUT has no index.html (a build
// without the site format): the outputs of each exhibition found.
var listingTmpl = template.Must(template.New("listing").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>vitrine output</title></head>
<body>
<h1>vitrine output</h1>
{{- if .}}
<p>This folder was built without the index pages (add <code>site</code> to <code>--formats</code> for them). Outputs found:</p>
<ul>
{{- range .}}
<li>{{.Slug}}: {{if .Manifest}}<a href="{{.Manifest}}">IIIF manifest</a> (built for {{.BaseURL}}){{end}}{{if .EPUB}} <a href="{{.EPUB}}">EPUB</a>{{end}}</li>
{{- end}}
</ul>
{{- else}}
<p>No exhibition found here. Give <code>vitrine serve</code> the folder that <code>vitrine build -o</code> wrote.</p>
{{- end}}
</body>
</html>
`))

type listed struct {
	Slug, BaseURL, Manifest, EPUB string
}

// listing writes the page listing OUT's exhibitions.
func (h *Handler) listing(w http.ResponseWriter, r *http.Request) {
	fsys := h.FS()
	exs, _ := Built(fsys)
	var items []listed
	seen := map[string]bool{}
	for _, e := range exs {
		seen[e.Slug] = true
		items = append(items, listed{Slug: e.Slug, BaseURL: e.BaseURL, Manifest: "iiif/" + e.Slug + "/manifest.json"})
	}
	epubs, _ := fs.Glob(fsys, "epub/*.epub")
	for _, p := range epubs {
		slug := p[len("epub/") : len(p)-len(".epub")]
		found := false
		for i := range items {
			if items[i].Slug == slug {
				items[i].EPUB, found = p, true
			}
		}
		if !found && !seen[slug] {
			items = append(items, listed{Slug: slug, EPUB: p})
		}
	}
	var b bytes.Buffer
	if err := listingTmpl.Execute(&b, items); err != nil {
		http.Error(w, "cannot list OUT", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b.Bytes())
}
