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
// made by langAttrs and textAttrs from a checked language tag.
//
// Direction: a page takes the book's direction from its html element. Text
// in another language carries lang, xml:lang and the dir of that language
// ({{la tag}}, {{lt text}}), and a value with no letters at all (a date
// 2025-05-01, a number 1972.3.1) dir="ltr", so that every run of text in the
// other direction is isolated (dir on an element isolates it; an EPUB
// style sheet may not set unicode-bidi) and numbers and date ranges
// keep their order in a right-to-left book. Markup here must be
// well-formed XHTML: void elements are self-closed and no HTML-only
// entities (&nbsp;) are used.
const pageTemplates = `
{{define "cover"}}<section class="cover{{if not .CoverImage}} cover-typographic{{end}}" aria-label="{{.L.Cover}}"{{la .LL}}>
{{if .CoverImage}}<div class="cover-image"><img role="doc-cover" src="{{.CoverImage.Src}}" alt="{{.CoverImage.Alt.S}}"{{lt .CoverImage.Alt}}/></div>
{{end}}<div class="cover-text">
<p class="cover-title"{{lt .Title}}>{{.Title.S}}</p>
{{with .Subtitle.S}}<p class="cover-subtitle"{{lt $.Subtitle}}>{{.}}</p>
{{end}}{{with .Dates.S}}<p class="cover-dates"{{lt $.Dates}}>{{.}}</p>
{{end}}{{with .Publisher.S}}<p class="cover-publisher"{{lt $.Publisher}}>{{.}}</p>
{{end}}<p class="cover-year"{{lt .Year}}>{{.Year}}</p>
</div>
</section>{{end}}

{{define "titlepage"}}<section class="titlepage" epub:type="titlepage">
<h1 class="book-title"{{lt .Title}}>{{.Title.S}}</h1>
{{with .Subtitle.S}}<p class="book-subtitle"{{lt $.Subtitle}}>{{.}}</p>
{{end}}{{range .ParallelTitles}}<p class="parallel-title"{{lt .}}>{{.S}}</p>
{{end}}{{with .Dates.S}}<p class="book-dates"{{lt $.Dates}}>{{.}}</p>
{{end}}{{if .People}}<dl class="people">
{{range .People}}<dt{{la $.LL}}>{{.Role}}</dt>{{range .Names}}<dd{{lt .}}>{{.S}}</dd>{{end}}
{{end}}</dl>
{{end}}<div class="imprint">
{{with .Publisher.S}}<p class="publisher"{{lt $.Publisher}}>{{.}}</p>
{{end}}{{with .Credit.S}}<p class="credit-line"{{lt $.Credit}}>{{.}}</p>
{{end}}</div>
</section>{{end}}

{{define "introduction"}}<section class="introduction" epub:type="introduction" role="doc-introduction" aria-labelledby="introduction-h">
<h1 id="introduction-h"{{la .LL}}>{{.L.Introduction}}</h1>
{{with .Summary.S}}<p class="summary"{{lt $.Summary}}>{{.}}</p>
{{end}}{{range .Intro}}<p{{lt .}}>{{.S}}</p>
{{end}}</section>{{end}}

{{define "section"}}<section class="part" epub:type="chapter" role="doc-chapter" aria-labelledby="{{.ID}}-h">
<h1 id="{{.ID}}-h"{{lt .Title}}>{{.Title.S}}</h1>
{{range .OtherTitles}}<p class="parallel-title"{{lt .}}>{{.S}}</p>
{{end}}{{range .Intro}}<p{{lt .}}>{{.S}}</p>
{{end}}{{if .Plates}}<h2 class="plates-in"{{la $.LL}}>{{$.L.PlatesInGroup}}</h2>
<ol class="plate-list">
{{range .Plates}}<li><span class="no"{{la $.LL}}>{{$.L.Plate}} <span{{lt .Number}}>{{.Number}}</span></span> <a href="{{.File}}"{{lt .Short}}>{{.Short.S}}</a></li>
{{end}}</ol>
{{end}}</section>{{end}}

{{define "plate"}}<section class="plate" id="{{.ID}}" aria-labelledby="{{.ID}}-h">
<h1 id="{{.ID}}-h" class="plate-heading"><span{{la $.LL}}>{{$.L.Plate}}</span> <span class="plate-no"{{lt .Number}}>{{.Number}}</span></h1>
{{if .Figures}}<figure class="plate-figure"{{if .Caption.S}} aria-labelledby="{{.ID}}-cap"{{end}}>
{{range .Figures}}{{if .Label.S}}<figure class="plate-image" id="{{.ID}}"><img src="{{.Src}}" alt="{{.Alt.S}}"{{lt .Alt}}/><figcaption class="image-label"{{lt .Label}}>{{.Label.S}}</figcaption></figure>
{{else}}<div class="plate-image"><img src="{{.Src}}" alt="{{.Alt.S}}"{{lt .Alt}}/></div>
{{end}}{{end}}<figcaption class="caption">
{{template "caption" .}}</figcaption>
</figure>
{{else}}<div class="caption no-figure">
{{template "caption" .}}<p class="no-image"{{la $.LL}}>{{$.L.NoImage}}</p>
</div>
{{end}}{{template "rows" .Rows}}
{{if .Description}}<div class="description">
{{range .Description}}<p{{lt .}}>{{.S}}</p>
{{end}}</div>
{{end}}</section>{{end}}

{{define "rows"}}<dl class="tombstone">
{{range .}}<div class="row"><dt{{la .LabelLang}}>{{.Label}}</dt><dd{{lt .Value}}>{{if .Href}}<a href="{{.Href}}">{{.Value.S}}</a>{{else}}{{.Value.S}}{{end}}</dd></div>
{{end}}</dl>{{end}}

{{define "caption"}}{{with .Caption.S}}<p class="caption-main" id="{{$.ID}}-cap"{{lt $.Caption}}>{{.}}</p>
{{end}}{{range .OtherCaptions}}<p class="caption-alt"{{lt .}}>{{.S}}</p>
{{end}}{{end}}

{{define "plates"}}<section class="list-of-plates" epub:type="loi" aria-labelledby="loi-h">
<h1 id="loi-h"{{la .LL}}>{{.L.ListOfPlates}}</h1>
<table class="plates">
<thead><tr><th scope="col"{{la .LL}}>{{.L.Number}}</th><th scope="col"{{la .LL}}>{{.L.Caption}}</th><th scope="col"{{la .LL}}>{{.L.Date}}</th></tr></thead>
<tbody>
{{range .Plates}}<tr><td class="no"{{lt .Number}}>{{.Number}}</td><td{{lt .Short}}><a href="{{.File}}">{{.Short.S}}</a></td><td class="date"{{lt .Date}}>{{.Date.S}}</td></tr>
{{end}}</tbody>
</table>
</section>{{end}}

{{define "colophon"}}<section class="colophon" epub:type="colophon" role="doc-colophon" aria-labelledby="colophon-h">
<h1 id="colophon-h"{{la .LL}}>{{.L.Colophon}}</h1>
<p class="colophon-title"{{lt .Title}}>{{.Title.S}}</p>
{{with .Credit.S}}<p class="credit-line"{{lt $.Credit}}>{{.}}</p>
{{end}}{{template "rows" .Rows}}
{{if .SourceShown}}<p class="reproduction"{{la .LL}}>{{.L.Reproduction}}</p>
{{end}}{{range .Notes}}<p class="note"{{lt .}}>{{.S}}</p>
{{end}}{{if .Shared}}<h2 class="on-every-plate"{{la .LL}}>{{.L.OnEveryPlate}}</h2>
{{template "rows" .Shared}}
{{end}}</section>{{end}}
`

func funcs(rtl bool) template.FuncMap {
	return template.FuncMap{"la": langAttrs, "lt": textAttrs(rtl)}
}

// tmpl are the page templates for left-to-right (false) and right-to-left
// (true) books.
var tmpl = map[bool]*template.Template{
	false: template.Must(template.New("pages").Funcs(funcs(false)).Parse(pageTemplates)),
	true:  template.Must(template.New("pages").Funcs(funcs(true)).Parse(pageTemplates)),
}

// render executes one named page template for a book written right to
// left or not.
func render(rtl bool, name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := tmpl[rtl].ExecuteTemplate(&buf, name, data); err != nil {
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
{{range .}}<li><a href="{{.Href}}"{{lt .Label}}>{{.Label.S}}</a>{{if .Children}}
{{template "toclist" .Children}}{{end}}</li>
{{end}}</ol>{{end}}`

var navTmpl = map[bool]*template.Template{
	false: template.Must(template.New("nav").Funcs(funcs(false)).Parse(navTemplate)),
	true:  template.Must(template.New("nav").Funcs(funcs(true)).Parse(navTemplate)),
}
