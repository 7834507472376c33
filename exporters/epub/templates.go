package epub

import (
	"bytes"
	"html/template"
)

// The page bodies. go-epub wraps each body in its XHTML page (head, title,
// stylesheet link); fixup adds lang and xml:lang to the html element.
//
// html/template escapes every value for its context (&, <, quotes in text
// and attributes; URLs in href and src), so no caption, title or name can be
// inserted into the XHTML unescaped. The one trusted value, {{la tag}}, is
// made by langAttrs from a checked language tag. Markup here must be
// well-formed XHTML: void elements are self-closed and no HTML-only
// entities (&nbsp;) are used.
const pageTemplates = `
{{define "cover"}}<section class="cover{{if not .CoverImage}} cover-typographic{{end}}" aria-label="{{.L.Cover}}"{{la .LL}}>
{{if .CoverImage}}<div class="cover-image"><img role="doc-cover" src="{{.CoverImage.Src}}" alt="{{.CoverImage.Alt.S}}"{{la .CoverImage.Alt.Lang}} width="{{.CoverImage.W}}" height="{{.CoverImage.H}}"/></div>
{{end}}<div class="cover-text">
<p class="cover-title" dir="auto"{{la .Title.Lang}}>{{.Title.S}}</p>
{{with .Subtitle.S}}<p class="cover-subtitle" dir="auto"{{la $.Subtitle.Lang}}>{{.}}</p>
{{end}}{{with .Dates}}<p class="cover-dates">{{.}}</p>
{{end}}{{with .Publisher.S}}<p class="cover-publisher" dir="auto"{{la $.Publisher.Lang}}>{{.}}</p>
{{end}}<p class="cover-year">{{.Year}}</p>
</div>
</section>{{end}}

{{define "titlepage"}}<section class="titlepage" epub:type="titlepage">
<h1 class="book-title" dir="auto"{{la .Title.Lang}}>{{.Title.S}}</h1>
{{with .Subtitle.S}}<p class="book-subtitle" dir="auto"{{la $.Subtitle.Lang}}>{{.}}</p>
{{end}}{{range .ParallelTitles}}<p class="parallel-title" dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}{{with .Dates}}<p class="book-dates">{{.}}</p>
{{end}}{{if .People}}<dl class="people">
{{range .People}}<dt{{la $.LL}}>{{.Role}}</dt>{{range .Names}}<dd dir="auto"{{la .Lang}}>{{.S}}</dd>{{end}}
{{end}}</dl>
{{end}}<div class="imprint">
{{with .Publisher.S}}<p class="publisher" dir="auto"{{la $.Publisher.Lang}}>{{.}}</p>
{{end}}{{with .Credit.S}}<p class="credit-line" dir="auto"{{la $.Credit.Lang}}>{{.}}</p>
{{end}}</div>
</section>{{end}}

{{define "introduction"}}<section class="introduction" epub:type="introduction" role="doc-introduction" aria-labelledby="introduction-h">
<h1 id="introduction-h"{{la .LL}}>{{.L.Introduction}}</h1>
{{with .Summary.S}}<p class="summary" dir="auto"{{la $.Summary.Lang}}>{{.}}</p>
{{end}}{{range .Intro}}<p dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}</section>{{end}}

{{define "section"}}<section class="part" epub:type="chapter" role="doc-chapter" aria-labelledby="{{.ID}}-h">
<h1 id="{{.ID}}-h" dir="auto"{{la .Title.Lang}}>{{.Title.S}}</h1>
{{range .OtherTitles}}<p class="parallel-title" dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}{{range .Intro}}<p dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}{{if .Plates}}<h2 class="plates-in"{{la $.LL}}>{{$.L.PlatesInGroup}}</h2>
<ol class="plate-list">
{{range .Plates}}<li><span class="no"{{la $.LL}}>{{$.L.Plate}} {{.Number}}</span><a href="{{.File}}" dir="auto"{{la .Short.Lang}}>{{.Short.S}}</a></li>
{{end}}</ol>
{{end}}</section>{{end}}

{{define "plate"}}<section class="plate" id="{{.ID}}" aria-labelledby="{{.ID}}-h">
<h1 id="{{.ID}}-h" class="plate-heading"><span{{la $.LL}}>{{$.L.Plate}}</span> {{.Number}}</h1>
{{if .Figures}}<figure class="plate-figure"{{if .Caption.S}} aria-labelledby="{{.ID}}-cap"{{end}}>
{{range .Figures}}<div class="plate-image"><img src="{{.Src}}" alt="{{.Alt.S}}"{{la .Alt.Lang}} width="{{.W}}" height="{{.H}}"/>{{if .Label.S}}<p class="image-label" dir="auto"{{la .Label.Lang}}>{{.Label.S}}</p>{{end}}</div>
{{end}}<figcaption class="caption">
{{template "caption" .}}</figcaption>
</figure>
{{else}}<div class="caption no-figure">
{{template "caption" .}}<p class="no-image"{{la $.LL}}>{{$.L.NoImage}}</p>
</div>
{{end}}<dl class="tombstone">
{{range .Rows}}<dt{{la .LabelLang}}>{{.Label}}</dt><dd{{la .Value.Lang}}><span dir="auto">{{if .Href}}<a href="{{.Href}}">{{.Value.S}}</a>{{else}}{{.Value.S}}{{end}}</span>{{with .After}} <span class="uri" dir="ltr">{{.}}</span>{{end}}</dd>
{{end}}</dl>
{{if .Description}}<div class="description">
{{range .Description}}<p dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}</div>
{{end}}</section>{{end}}

{{define "caption"}}{{with .Caption.S}}<p class="caption-main" id="{{$.ID}}-cap" dir="auto"{{la $.Caption.Lang}}>{{.}}</p>
{{end}}{{range .OtherCaptions}}<p class="caption-alt" dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}{{end}}

{{define "plates"}}<section class="list-of-plates" epub:type="loi" aria-labelledby="loi-h">
<h1 id="loi-h"{{la .LL}}>{{.L.ListOfPlates}}</h1>
<table class="plates">
<thead><tr><th scope="col"{{la .LL}}>{{.L.Number}}</th><th scope="col"{{la .LL}}>{{.L.Caption}}</th><th scope="col"{{la .LL}}>{{.L.Date}}</th></tr></thead>
<tbody>
{{range .Plates}}<tr><td class="no">{{.Number}}</td><td dir="auto"{{la .Short.Lang}}><a href="{{.File}}">{{.Short.S}}</a></td><td dir="auto"{{la .Date.Lang}}>{{.Date.S}}</td></tr>
{{end}}</tbody>
</table>
</section>{{end}}

{{define "colophon"}}<section class="colophon" epub:type="colophon" role="doc-colophon" aria-labelledby="colophon-h">
<h1 id="colophon-h"{{la .LL}}>{{.L.Colophon}}</h1>
<p class="colophon-title" dir="auto"{{la .Title.Lang}}>{{.Title.S}}</p>
{{with .Credit.S}}<p class="credit-line" dir="auto"{{la $.Credit.Lang}}>{{.}}</p>
{{end}}<dl class="colophon-data">
{{range .Rows}}<dt{{la .LabelLang}}>{{.Label}}</dt><dd{{la .Value.Lang}}><span dir="auto">{{if .Href}}<a href="{{.Href}}">{{.Value.S}}</a>{{else}}{{.Value.S}}{{end}}</span>{{with .After}} <span class="uri" dir="ltr">{{.}}</span>{{end}}</dd>
{{end}}</dl>
{{if .SourceShown}}<p class="reproduction"{{la .LL}}>{{.L.Reproduction}}</p>
{{end}}{{range .Notes}}<p class="note" dir="auto"{{la .Lang}}>{{.S}}</p>
{{end}}</section>{{end}}
`

var tmpl = template.Must(template.New("pages").Funcs(template.FuncMap{"la": langAttrs}).Parse(pageTemplates))

// render executes one named page template.
func render(name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// navTemplate is the whole navigation document (EPUB/nav.xhtml), written by
// fixup in place of go-epub's, whose heading is fixed to English and which
// has no landmarks and no lang.
const navTemplate = `<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{{.Lang}}" xml:lang="{{.Lang}}"{{if .RTL}} dir="rtl"{{end}}>
<head>
<title{{la .LL}}>{{.L.Contents}}</title>
<link rel="stylesheet" type="text/css" href="css/catalogue.css"/>
</head>
<body>
<nav epub:type="toc" role="doc-toc" id="toc" aria-labelledby="toc-h">
<h1 id="toc-h"{{la .LL}}>{{.L.Contents}}</h1>
{{template "toclist" .TOC}}
</nav>
<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-h" hidden="hidden">
<h2 id="landmarks-h"{{la .LL}}>{{.L.Landmarks}}</h2>
<ol>
{{range .Landmarks}}<li><a epub:type="{{.Type}}" href="{{.Href}}">{{.Label}}</a></li>
{{end}}</ol>
</nav>
</body>
</html>
{{define "toclist"}}<ol>
{{range .}}<li><a href="{{.Href}}" dir="auto"{{la .Label.Lang}}>{{.Label.S}}</a>{{if .Children}}
{{template "toclist" .Children}}{{end}}</li>
{{end}}</ol>{{end}}`

var navTmpl = template.Must(template.New("nav").Funcs(template.FuncMap{"la": langAttrs}).Parse(navTemplate))
