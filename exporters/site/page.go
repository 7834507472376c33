package site

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/url"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/model"
)

// langText is a string in a language other than the page's.
type langText struct {
	Lang, Text string
}

// plateView is one plate on the exhibition page.
type plateView struct {
	ID, Number, Caption string
	Others              []langText
	Meta                []string
	Credit              string
	Thumb               string
	ThumbW, ThumbH      int
	Zoom                string
	Images              int
}

// group is a run of plates of one section, in file order.
type group struct {
	ID, Title string
	Others    []langText
	Plates    []plateView
}

// zoomItem is one canvas in the zoom page's data.
type zoomItem struct {
	Label string `json:"label"`
	Info  string `json:"info"`
}

// page is the data of the exhibition page and its zoom page.
type page struct {
	Lang, Slug        string
	Title, Subtitle   string
	TitleOthers       []langText
	Summary           string
	Credit, Rights    string
	Manifest          string
	ManifestURL       string
	MiradorURL        string
	EPUB, Bag         string
	BagType           string
	Plates            []plateView
	Groups            []group
	Canvases          []zoomItem
	Generator, Edited string
}

// others returns t in the exhibition's other languages, in their order.
func others(ex *model.Exhibition, t model.Text) []langText {
	var out []langText
	main := t.Get(ex.Lang())
	for _, l := range ex.Languages[min(1, len(ex.Languages)):] {
		if v, ok := t[l]; ok && v != "" && v != main {
			out = append(out, langText{Lang: l, Text: v})
		}
	}
	return out
}

func newPage(b *exporters.Build, canvases []canvas) (*page, error) {
	ex := b.Exhibition
	lang := ex.Lang()
	p := &page{
		Lang: lang, Slug: ex.Slug,
		Title: ex.Title.Get(lang), Subtitle: ex.Subtitle.Get(lang), TitleOthers: others(ex, ex.Title),
		Summary: ex.Summary.Get(lang), Credit: ex.Credit.Get(lang), Rights: ex.Rights,
		Generator: "vitrine " + b.Version, Edited: b.Time.UTC().Format("2006-01-02"),
	}
	// The iiif exporter writes no manifest for an exhibition without
	// images: link to none.
	if b.IIIF != nil && b.IIIF.Manifest != "" {
		p.Manifest = "../" + exporters.ManifestPath(ex.Slug)
		p.ManifestURL = b.URL(exporters.ManifestPath(ex.Slug))
		p.MiradorURL = "https://projectmirador.org/embed/?iiif-content=" + url.QueryEscape(p.ManifestURL)
	}
	if b.Has("epub") {
		p.EPUB = "../" + exporters.EPUBPath(ex.Slug)
	}
	if b.Has("bagit") {
		p.Bag, p.BagType = stagedBag(b)
	}
	// Each plate shows its first canvas; zoom.html?canvas=N opens the Nth.
	first := map[string]int{}
	for k, c := range canvases {
		if _, ok := first[c.Plate]; !ok {
			first[c.Plate] = k
		}
	}
	for _, pl := range ex.Plates {
		v := plateView{
			ID: "plate-" + pl.Number, Number: pl.Number, Caption: pl.Caption.Get(lang),
			Others: others(ex, pl.Caption), Credit: pl.Credit.Get(lang), Images: len(pl.Images),
		}
		for _, m := range []string{pl.Date.Text, pl.Creator, pl.Place, pl.Medium, pl.Dimensions} {
			if m != "" {
				v.Meta = append(v.Meta, m)
			}
		}
		if k, ok := first[pl.Number]; ok {
			c := canvases[k]
			v.Thumb, v.ThumbW, v.ThumbH = c.Thumb, c.ThumbW, c.ThumbH
			if c.Info != "" {
				v.Zoom = fmt.Sprintf("zoom.html?canvas=%d", k+1)
			}
		}
		p.Plates = append(p.Plates, v)
		if n := len(p.Groups); n == 0 || p.Groups[n-1].ID != pl.Section {
			g := group{ID: pl.Section}
			for _, sec := range ex.Sections {
				if sec.ID == pl.Section {
					g.Title, g.Others = sec.Title.Get(lang), others(ex, sec.Title)
				}
			}
			p.Groups = append(p.Groups, g)
		}
		p.Groups[len(p.Groups)-1].Plates = append(p.Groups[len(p.Groups)-1].Plates, v)
	}
	for _, c := range canvases {
		p.Canvases = append(p.Canvases, zoomItem{Label: c.Label, Info: c.Info})
	}
	return p, nil
}

// stagedBag returns the link to the bag the bagit exporter staged (it runs
// before the site exporter) and its media type: the ZIP or TAR file, or the
// bag-info.txt of a bag written as a folder. It returns "" when there is
// none.
func stagedBag(b *exporters.Build) (href, typ string) {
	slug := b.Exhibition.Slug
	for _, c := range []struct{ rel, typ string }{
		{exporters.BagPath(slug, "zip"), "application/zip"},
		{exporters.BagPath(slug, "tar"), "application/x-tar"},
		{"bags/" + slug + "/bag-info.txt", "text/plain"},
	} {
		if st, err := fs.Stat(b.Out.FS(), c.rel); err == nil && st.Mode().IsRegular() {
			return "../" + c.rel, c.typ
		}
	}
	return "", ""
}

// rootEntry is one exhibition on OUT/index.html.
type rootEntry struct {
	Slug, Lang, Title string
	Plates            int
}

type rootPage struct {
	Lang        string
	Exhibitions []rootEntry
}

var rootTmpl = template.Must(template.New("root").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Exhibitions</title>
<style>body{font:16px/1.5 Georgia,serif;max-width:48rem;margin:2rem auto;padding:0 1.5rem;background:#fbfaf7;color:#1d1d1b}a{color:#7a2e1f}h1{font-weight:normal}</style>
</head>
<body>
<h1>Exhibitions</h1>
<ul>
{{- range .Exhibitions}}
<li><a href="{{.Slug}}/" lang="{{.Lang}}">{{.Title}}</a> ({{.Plates}} plates)</li>
{{- end}}
</ul>
<p><small>Made with vitrine.</small></p>
</body>
</html>
`))

var exhibitionTmpl = template.Must(template.New("exhibition").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="generator" content="{{.Generator}}">
<title>{{.Title}}</title>
<link rel="stylesheet" href="vitrine.css">
{{- if .Manifest}}
<link rel="alternate" type="application/ld+json;profile=&quot;http://iiif.io/api/presentation/3/context.json&quot;" href="{{.Manifest}}">
{{- end}}
</head>
<body>
<header>
<p class="sub"><a href="../">All exhibitions</a></p>
<h1>{{.Title}}</h1>
{{- range .TitleOthers}}
<p class="sub other" lang="{{.Lang}}">{{.Text}}</p>
{{- end}}
{{- if .Subtitle}}
<p class="sub">{{.Subtitle}}</p>
{{- end}}
{{- if .Summary}}
<p>{{.Summary}}</p>
{{- end}}
{{- if or .Manifest .EPUB .Bag}}
<ul class="links">
{{- if .Manifest}}
<li><a data-manifest href="{{.Manifest}}" type="application/ld+json">IIIF manifest</a> <code>{{.ManifestURL}}</code></li>
<li><a href="{{.MiradorURL}}" rel="external">Open in Mirador</a> (when this folder is on a public web server)</li>
{{- end}}
{{- if .EPUB}}
<li><a data-download href="{{.EPUB}}" download type="application/epub+zip">EPUB catalogue</a></li>
{{- end}}
{{- if .Bag}}
<li><a data-download href="{{.Bag}}"{{if ne .BagType "text/plain"}} download{{end}} type="{{.BagType}}">BagIt archive</a></li>
{{- end}}
</ul>
{{- end}}
</header>
<main>
{{- range .Groups}}
{{- if .Title}}
<section id="section-{{.ID}}">
<h2>{{.Title}}{{range .Others}} <span class="other" lang="{{.Lang}}">{{.Text}}</span>{{end}}</h2>
{{- else}}
<section>
<h2>Plates</h2>
{{- end}}
<ol class="plates">
{{- range .Plates}}
<li id="{{.ID}}">
<figure data-plate="{{.Number}}"{{if not .Thumb}} data-no-image{{end}}>
{{- if .Thumb}}
{{- if .Zoom}}
<a data-zoom href="{{.Zoom}}" title="Deep zoom"><img src="{{.Thumb}}"{{if .ThumbW}} width="{{.ThumbW}}" height="{{.ThumbH}}"{{end}} alt="" loading="lazy"></a>
{{- else}}
<img src="{{.Thumb}}"{{if .ThumbW}} width="{{.ThumbW}}" height="{{.ThumbH}}"{{end}} alt="" loading="lazy">
{{- end}}
{{- end}}
<figcaption><span class="num">{{.Number}}</span> {{.Caption}}
{{- range .Others}}<br><span class="other" lang="{{.Lang}}">{{.Text}}</span>{{end}}
{{- if .Meta}}<br><span class="meta">{{range $i, $m := .Meta}}{{if $i}} · {{end}}{{$m}}{{end}}</span>{{end}}
{{- if .Credit}}<br><span class="meta">{{.Credit}}</span>{{end}}
{{- if gt .Images 1}}<br><span class="meta">{{.Images}} images</span>{{end}}
</figcaption>
</figure>
</li>
{{- end}}
</ol>
</section>
{{- end}}
</main>
<footer>
{{- if .Credit}}
<p class="credit">{{.Credit}}</p>
{{- end}}
{{- if .Rights}}
<p class="credit">Rights: <a href="{{.Rights}}">{{.Rights}}</a></p>
{{- end}}
<p class="credit">Edition of {{.Edited}}. Made with {{.Generator}}.</p>
</footer>
</body>
</html>
`))

var zoomTmpl = template.Must(template.New("zoom").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<link rel="stylesheet" href="vitrine.css">
</head>
<body class="zoom">
<nav>
<a href="./">{{.Title}}</a>
<span id="zoom-label"></span>
<a id="zoom-prev" href="#" title="Previous">&larr;</a>
<a id="zoom-next" href="#" title="Next">&rarr;</a>
<button id="zoom-out" type="button" title="Zoom out (-)">&minus;</button>
<button id="zoom-home" type="button" title="Whole image (0)">&#8634;</button>
<button id="zoom-in" type="button" title="Zoom in (+)">+</button>
</nav>
<canvas id="zoom" aria-label="Deep-zoom view: drag to move, wheel or + and - to zoom"></canvas>
<p id="zoom-status" role="status"></p>
<script type="application/json" id="canvases">{{.Canvases}}</script>
<script src="zoom.js"></script>
</body>
</html>
`))
