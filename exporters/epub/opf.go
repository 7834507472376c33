package epub

import (
	"fmt"
	"slices"
	"strings"
)

// Roles of the exhibition's agents as MARC relator codes, for
// <meta property="role" scheme="marc:relators">. Agents with a creator role
// are dc:creator, the others dc:contributor; publishers are dc:publisher,
// and also dc:creator when no agent has a creator role.
var (
	creatorRoles = map[string]string{"author": "aut", "curator": "cur", "editor": "edt"}
	otherRoles   = map[string]string{"photographer": "pht", "translator": "trl", "designer": "dsr", "provider": "prv", "contributor": "ctb"}
)

// accessibilitySummary describes what the book offers a reader who cannot
// see the images or needs to navigate by structure. It states facts about
// every book vitrine writes; it is not a conformance claim.
const accessibilitySummary = "Every image has a short text alternative, and every plate has its full caption and a record (number, date, creator, medium, dimensions, credit, rights) as text, so the catalogue can be read without the images. Pages are marked with their language, and the book can be navigated by a table of contents of sections and plates, a list of plates and landmarks. Text can be resized and restyled. There are no flashing, sound or motion hazards."

// conformsTo is the conformance claim of EPUB Accessibility 1.1 that the
// books meet: every page and the package are checked by DAISY Ace in the
// tests (no violation), and each exhibition is checked for text
// alternatives when it is built (book.Conforms).
const conformsTo = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

// itemID makes a manifest id (an XML NCName) from a file name inside the
// package: "xhtml/plate-001.xhtml" becomes "xhtml-plate-001".
func itemID(href string) string {
	s := strings.TrimSuffix(href, ".xhtml")
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	return s
}

// packageDocument writes the package document (fixes 1 and 3 of fixup).
func packageDocument(bk *book) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	t := xmlText
	dir := "ltr"
	if bk.RTL {
		dir = "rtl"
	}
	p("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p("<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"%s\" dir=\"%s\">\n", t(bk.Lang), dir)
	p("  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n")
	p("    <dc:identifier id=\"pub-id\">%s</dc:identifier>\n", t(bk.ID))
	p("    <dc:title id=\"title\"%s>%s</dc:title>\n", xmlLang(bk.Title.Lang), t(bk.Title.S))
	p("    <meta refines=\"#title\" property=\"title-type\">main</meta>\n")
	if bk.Sub.S != "" {
		p("    <dc:title id=\"subtitle\"%s>%s</dc:title>\n", xmlLang(bk.Sub.Lang), t(bk.Sub.S))
		p("    <meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>\n")
	}
	for _, l := range bk.Langs {
		p("    <dc:language>%s</dc:language>\n", t(l))
	}
	nc, nb := 0, 0
	pubCreates := !hasCreator(bk)
	// Reading systems take as the book's author a dc:creator whose role is
	// aut (calibre: or edt), or one with no role at all; a curator (cur)
	// or publisher (pbl) with its role is shown as "Unknown". Without an
	// author or editor, the curators (else the publisher) stand in as the
	// author: written without a role.
	standIn := !hasRole(bk, "author", "editor")
	for _, a := range bk.Agents {
		if a.Name.S == "" {
			continue
		}
		var codes []string
		creator, other := false, false
		for _, r := range a.Roles {
			if r != "publisher" {
				other = true
			}
			if c, ok := creatorRoles[r]; ok {
				codes = append(codes, c)
				creator = true
			} else if c, ok := otherRoles[r]; ok {
				codes = append(codes, c)
			} else if r == "publisher" && pubCreates {
				// No curator, author or editor: the publisher is the
				// book's creator, so that shelves do not say "Unknown".
				creator = true
			}
		}
		if creator && standIn {
			codes = nil
		}
		var id string
		switch {
		case creator:
			nc++
			id = fmt.Sprintf("creator-%d", nc)
			p("    <dc:creator id=\"%s\"%s>%s</dc:creator>\n", id, xmlLang(a.Name.Lang), t(a.Name.S))
		case other:
			nb++
			id = fmt.Sprintf("contributor-%d", nb)
			p("    <dc:contributor id=\"%s\"%s>%s</dc:contributor>\n", id, xmlLang(a.Name.Lang), t(a.Name.S))
		default:
			// Publisher only: written as dc:publisher below.
			continue
		}
		for _, c := range codes {
			p("    <meta refines=\"#%s\" property=\"role\" scheme=\"marc:relators\">%s</meta>\n", id, c)
		}
		for _, o := range a.Others {
			p("    <meta refines=\"#%s\" property=\"alternate-script\"%s>%s</meta>\n", id, xmlLang(o.Lang), t(o.S))
		}
	}
	for _, a := range bk.Agents {
		for _, r := range a.Roles {
			if r == "publisher" && a.Name.S != "" {
				p("    <dc:publisher%s>%s</dc:publisher>\n", xmlLang(a.Name.Lang), t(a.Name.S))
			}
		}
	}
	if bk.Rights != "" {
		p("    <dc:rights>%s</dc:rights>\n", t(bk.Rights))
	}
	if bk.Credit.S != "" {
		p("    <dc:rights%s>%s</dc:rights>\n", xmlLang(bk.Credit.Lang), t(bk.Credit.S))
	}
	for _, s := range bk.Subj {
		if s = strings.TrimSpace(s); s != "" {
			p("    <dc:subject>%s</dc:subject>\n", t(s))
		}
	}
	if bk.Desc.S != "" {
		p("    <dc:description%s>%s</dc:description>\n", xmlLang(bk.Desc.Lang), t(bk.Desc.S))
	}
	if bk.Source != "" {
		p("    <dc:source>%s</dc:source>\n", t(bk.Source))
	}
	p("    <dc:date>%s</dc:date>\n", t(bk.Date))
	p("    <meta property=\"dcterms:modified\">%s</meta>\n", bk.Time.UTC().Format("2006-01-02T15:04:05Z"))
	for _, m := range []struct{ prop, val string }{
		{"schema:accessMode", "textual"},
		{"schema:accessMode", "visual"},
		{"schema:accessModeSufficient", "textual"},
		{"schema:accessModeSufficient", "textual,visual"},
		{"schema:accessibilityFeature", "alternativeText"},
		{"schema:accessibilityFeature", "displayTransformability"},
		{"schema:accessibilityFeature", "readingOrder"},
		{"schema:accessibilityFeature", "structuralNavigation"},
		{"schema:accessibilityFeature", "tableOfContents"},
		{"schema:accessibilityHazard", "none"},
	} {
		p("    <meta property=\"%s\">%s</meta>\n", m.prop, m.val)
	}
	sumLang := ""
	if !strings.HasPrefix(bk.Lang, "en") {
		sumLang = " xml:lang=\"en\""
	}
	p("    <meta property=\"schema:accessibilitySummary\"%s>%s</meta>\n", sumLang, t(accessibilitySummary))
	if bk.Conforms {
		p("    <meta property=\"dcterms:conformsTo\">%s</meta>\n", conformsTo)
		if bk.CertifiedBy != "" {
			p("    <meta property=\"a11y:certifiedBy\">%s</meta>\n", t(bk.CertifiedBy))
		}
	}
	for _, im := range bk.Images {
		if im.Cover {
			// EPUB 2 readers find the cover image by this meta.
			p("    <meta name=\"cover\" content=\"%s\"/>\n", itemID("images/"+im.Name))
		}
	}
	p("  </metadata>\n  <manifest>\n")
	p("    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n")
	p("    <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n")
	p("    <item id=\"css\" href=\"css/catalogue.css\" media-type=\"text/css\"/>\n")
	for _, pg := range bk.Pages {
		h := "xhtml/" + pg.File
		p("    <item id=\"%s\" href=\"%s\" media-type=\"application/xhtml+xml\"/>\n", itemID(h), t(h))
	}
	for _, im := range bk.Images {
		h := "images/" + im.Name
		props := ""
		if im.Cover {
			props = " properties=\"cover-image\""
		}
		p("    <item id=\"%s\" href=\"%s\" media-type=\"%s\"%s/>\n", itemID(h), t(h), im.mediaType(), props)
	}
	p("  </manifest>\n")
	ppd := ""
	if bk.RTL {
		ppd = " page-progression-direction=\"rtl\""
	}
	p("  <spine toc=\"ncx\"%s>\n", ppd)
	for i, pg := range bk.Pages {
		p("    <itemref idref=\"%s\"/>\n", itemID("xhtml/"+pg.File))
		if i == 1 {
			// The contents follow the title page, as in a printed book.
			p("    <itemref idref=\"nav\"/>\n")
		}
	}
	p("  </spine>\n</package>\n")
	return []byte(b.String())
}

func xmlLang(tag string) string {
	if tag == "" || !langTagRe.MatchString(tag) {
		return ""
	}
	return ` xml:lang="` + tag + `"`
}

// ncxDocument writes the EPUB 2 NCX (fix 6 of fixup).
func ncxDocument(bk *book) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	t := xmlText
	depth := 1
	for _, e := range bk.TOC {
		if len(e.Children) > 0 {
			depth = 2
		}
	}
	p("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p("<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"%s\">\n", t(bk.Lang))
	p("  <head>\n")
	p("    <meta name=\"dtb:uid\" content=\"%s\"/>\n", t(bk.ID))
	p("    <meta name=\"dtb:depth\" content=\"%d\"/>\n", depth)
	p("    <meta name=\"dtb:totalPageCount\" content=\"0\"/>\n")
	p("    <meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n")
	p("  </head>\n")
	p("  <docTitle><text>%s</text></docTitle>\n", t(bk.Title.S))
	pubCreates := !hasCreator(bk)
	for _, a := range bk.Agents {
		for _, r := range a.Roles {
			if _, ok := creatorRoles[r]; (ok || pubCreates && r == "publisher") && a.Name.S != "" {
				p("  <docAuthor><text>%s</text></docAuthor>\n", t(a.Name.S))
				break
			}
		}
	}
	p("  <navMap>\n")
	n := 0
	var walk func(es []*tocEntry, indent string)
	walk = func(es []*tocEntry, indent string) {
		for _, e := range es {
			n++
			p("%s<navPoint id=\"np-%d\" playOrder=\"%d\">\n", indent, n, n)
			p("%s  <navLabel><text>%s</text></navLabel>\n", indent, t(e.Label.S))
			p("%s  <content src=\"%s\"/>\n", indent, t(e.Href))
			walk(e.Children, indent+"  ")
			p("%s</navPoint>\n", indent)
		}
	}
	walk(bk.TOC, "    ")
	p("  </navMap>\n</ncx>\n")
	return []byte(b.String())
}

// hasCreator reports whether an agent of the book has a creator role
// (curator, author, editor). Without one, the publisher is the creator.
func hasCreator(bk *book) bool {
	for _, a := range bk.Agents {
		for _, r := range a.Roles {
			if _, ok := creatorRoles[r]; ok && a.Name.S != "" {
				return true
			}
		}
	}
	return false
}

// hasRole reports whether an agent of the book has one of the roles.
func hasRole(bk *book, roles ...string) bool {
	for _, a := range bk.Agents {
		for _, r := range a.Roles {
			if slices.Contains(roles, r) && a.Name.S != "" {
				return true
			}
		}
	}
	return false
}

// hasAnyCreator reports whether the package document names a creator.
func hasAnyCreator(bk *book) bool {
	for _, a := range bk.Agents {
		for _, r := range a.Roles {
			if _, ok := creatorRoles[r]; (ok || r == "publisher") && a.Name.S != "" {
				return true
			}
		}
	}
	return false
}
