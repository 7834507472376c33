package epub

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/vitrine-tools/vitrine/exporters/assets"
)

// Every book has a cover image that reading systems find (listed with
// properties="cover-image" and the EPUB 2 cover meta), so that shelves show
// the catalogue and not a generic cover:
//
//  1. the first image of the plate named by cover:, else
//  2. a cover composed from the first images of the first plates (up to
//     four, in the grid that crops them least), else, when no plate has an
//     image,
//  3. a typographic cover image (title, subtitle, dates, publisher): a JPEG
//     drawn in the Go font when it has every letter of the title (calibre
//     and others take only a raster cover), else an SVG, whose text the
//     reading system sets in its own fonts, so that every script is drawn.
//
// The cover page (cover.xhtml) shows the image of 1 and 2 above the title;
// with 3 it is the same typography as HTML text.

// Size of a composed or typographic cover: 2:3, the shape of a book.
const (
	coverW = 1068
	coverH = 1602
)

// cover decides the book's cover image, adds it to the book, and returns
// the figure the cover page shows (nil for a typographic cover).
func (c *composer) cover(publisher, dates ltext) (*figure, error) {
	ex, bk := c.ex, c.bk
	if ex.Cover != "" {
		p := ex.PlateByNumber(ex.Cover)
		if p == nil {
			return nil, fmt.Errorf("cover: no plate numbered %q; set cover: to a plate number of %s", ex.Cover, ex.File)
		}
		if len(p.Images) > 0 {
			f, err := c.figure(p, 0, "cover", "cover")
			if err != nil {
				return nil, err
			}
			f.img.Cover = true
			return &f.figure, nil
		}
		fmt.Fprintf(c.b.Log, "epub: cover plate %s has no image; the cover is composed from the other plates\n", p.Number)
	}
	var srcs []string
	var nums []string
	for i := range ex.Plates {
		p := &ex.Plates[i]
		if len(p.Images) == 0 {
			continue
		}
		dir, files, ok := c.b.Assets.Files(p.Images[0].Path, c.der)
		if !ok || len(files) == 0 {
			return nil, fmt.Errorf("plate %s: no e-book image was made from %s (was the build's image step skipped?)", p.Number, p.Images[0].Path)
		}
		srcs = append(srcs, filepath.Join(dir, filepath.FromSlash(files[0])))
		nums = append(nums, clean(p.Number))
		if len(srcs) == 4 {
			break
		}
	}
	if len(srcs) > 0 {
		data, used, err := composeCover(srcs)
		if err != nil {
			return nil, fmt.Errorf("composing the cover: %w", err)
		}
		bk.Images = append(bk.Images, &bookImage{Name: "cover.jpg", Data: data, W: coverW, H: coverH, Cover: true})
		alt := ltext{S: fmt.Sprintf(bk.L.CoverOf, strings.Join(nums[:used], ", ")), Lang: bk.LL}
		return &figure{Src: "../images/cover.jpg", ID: "cover-image", Alt: alt}, nil
	}
	jpg, ok, err := rasterCover(bk, publisher, dates)
	if err != nil {
		return nil, fmt.Errorf("drawing the cover: %w", err)
	}
	if ok {
		bk.Images = append(bk.Images, &bookImage{Name: "cover.jpg", Data: jpg, W: coverW, H: coverH, Cover: true})
		return nil, nil
	}
	bk.Images = append(bk.Images, &bookImage{Name: "cover.svg", Data: typographicCover(bk, publisher, dates),
		Type: "image/svg+xml", W: coverW, H: coverH, Cover: true})
	return nil, nil
}

// coverGrids are the layouts a composed cover may take: rows x columns.
var coverGrids = [][2]int{{1, 1}, {2, 1}, {1, 2}, {3, 1}, {2, 2}}

// composeCover draws the images at paths (e-book derivatives, JPEG) into a
// grid on a paper-coloured page, each filling its cell, cropped about its
// centre. The grid is the one that keeps most of the images (a few more
// images win a little cropping). It returns the JPEG and how many images it
// used (the first ones).
func composeCover(paths []string) ([]byte, int, error) {
	var ims []image.Image
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, 0, err
		}
		im, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", p, err)
		}
		ims = append(ims, im)
	}
	const margin, gutter = 56, 20
	innerW, innerH := coverW-2*margin, coverH-2*margin
	best, bestScore := [2]int{1, 1}, -1.0
	for _, g := range coverGrids {
		n := g[0] * g[1]
		if n > len(ims) {
			continue
		}
		cw := float64(innerW-(g[1]-1)*gutter) / float64(g[1])
		ch := float64(innerH-(g[0]-1)*gutter) / float64(g[0])
		kept := 0.0
		for _, im := range ims[:n] {
			b := im.Bounds()
			a, c := float64(b.Dx())/float64(b.Dy()), cw/ch
			kept += min(a, c) / max(a, c)
		}
		if score := kept/float64(n) + 0.04*float64(n); score > bestScore {
			best, bestScore = g, score
		}
	}
	rows, cols := best[0], best[1]
	canvas := image.NewRGBA(image.Rect(0, 0, coverW, coverH))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.RGBA{0xf2, 0xef, 0xe8, 0xff}), image.Point{}, draw.Src)
	cw := (innerW - (cols-1)*gutter) / cols
	ch := (innerH - (rows-1)*gutter) / rows
	for i, im := range ims[:rows*cols] {
		r, col := i/cols, i%cols
		at := image.Pt(margin+col*(cw+gutter), margin+r*(ch+gutter))
		cell := image.Rectangle{Min: at, Max: at.Add(image.Pt(cw, ch))}
		draw.CatmullRom.Scale(canvas, cell, im, cropTo(im.Bounds(), cw, ch), draw.Src, nil)
	}
	var buf bytes.Buffer
	if err := assets.EncodeJPEG(&buf, canvas, DefaultQuality); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), rows * cols, nil
}

// cropTo returns the largest rectangle of b, about its centre, with the
// aspect ratio w:h.
func cropTo(b image.Rectangle, w, h int) image.Rectangle {
	bw, bh := b.Dx(), b.Dy()
	if bw*h > bh*w { // wider than the cell
		nw := bh * w / h
		x := b.Min.X + (bw-nw)/2
		return image.Rect(x, b.Min.Y, x+nw, b.Max.Y)
	}
	nh := bw * h / w
	y := b.Min.Y + (bh-nh)/2
	return image.Rect(b.Min.X, y, b.Max.X, y+nh)
}

// coverFonts are the typographic cover's fonts: the catalogue's serif, then
// one for each script a title may be in.
const coverFonts = `'Iowan Old Style', 'Palatino Linotype', Palatino, Georgia, 'Noto Serif', 'Noto Serif CJK KR', 'Noto Serif CJK JP', 'Noto Serif CJK SC', 'Noto Naskh Arabic', 'Noto Serif Hebrew', serif`

// typographicCover writes an SVG cover: the title (wrapped), subtitle,
// dates and publisher, centred between rules, in the book's direction.
func typographicCover(bk *book, publisher, dates ltext) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	dir := "ltr"
	if bk.RTL {
		dir = "rtl"
	}
	p("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xml:lang=\"%s\" direction=\"%s\" font-family=\"%s\">\n",
		coverW, coverH, coverW, coverH, xmlText(bk.Lang), dir, coverFonts)
	p("<title>%s</title>\n", xmlText(bk.Title.S))
	p("<rect width=\"%d\" height=\"%d\" fill=\"#f2efe8\"/>\n", coverW, coverH)
	p("<rect x=\"48\" y=\"48\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#1b1b1b\" stroke-width=\"2\"/>\n", coverW-96, coverH-96)
	y := 520
	p("<line x1=\"160\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1b1b1b\" stroke-width=\"4\"/>\n", y-110, coverW-160, y-110)
	text := func(t ltext, size, maxLines int, fill string) {
		for _, line := range wrapCover(t.S, float64(coverW-240)/float64(size), maxLines) {
			p("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\" fill=\"%s\"%s>%s</text>\n", coverW/2, y, size, fill, svgLang(t, bk), xmlText(line))
			y += size * 5 / 4
		}
	}
	text(bk.Title, 80, 6, "#1b1b1b")
	y += 30
	text(bk.Sub, 44, 4, "#3a3a3a")
	y += 20
	text(dates, 38, 1, "#4a4a4a")
	y += 10
	p("<line x1=\"160\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1b1b1b\" stroke-width=\"2\"/>\n", y, coverW-160, y)
	y = coverH - 200
	text(publisher, 36, 2, "#4a4a4a")
	p("</svg>\n")
	return []byte(b.String())
}

// svgLang marks a line of the typographic cover with its language and
// direction when they are not the book's.
func svgLang(t ltext, bk *book) string {
	if t.Lang == "" || !langTagRe.MatchString(t.Lang) {
		return ""
	}
	dir := "ltr"
	if isRTL(t.Lang) {
		dir = "rtl"
	}
	return fmt.Sprintf(" xml:lang=\"%s\" direction=\"%s\" unicode-bidi=\"embed\"", t.Lang, dir)
}

// wrapCover breaks s into at most maxLines lines of about em ems each
// (CJK characters count one em, others half), at spaces, or anywhere in
// text written without spaces; a text too long ends in an ellipsis.
func wrapCover(s string, em float64, maxLines int) []string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return nil
	}
	width := func(s string) float64 {
		w := 0.0
		for _, r := range s {
			if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
				w += 1
			} else {
				w += 0.52
			}
		}
		return w
	}
	var lines []string
	line := ""
	for _, word := range strings.Split(s, " ") {
		for word != "" {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if width(try) <= em || (line == "" && width(word) <= em) {
				line, word = try, ""
				continue
			}
			if line != "" {
				lines, line = append(lines, line), ""
				continue
			}
			// One word longer than a line: cut it.
			n := 0
			for i := range word {
				if width(word[:i]) > em {
					break
				}
				n = i
			}
			if n == 0 {
				_, n = utf8.DecodeRuneInString(word)
			}
			lines, word = append(lines, word[:n]), word[n:]
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = strings.TrimRight(lines[maxLines-1], " ,;:.-–—") + "…"
	}
	return lines
}

// rasterCover draws the typographic cover as a JPEG in the Go font (Latin,
// Greek and Cyrillic), for the reading systems that take only a raster
// image as a cover (calibre skips an SVG one). It returns ok false when the
// title has a letter the font lacks: the cover is then the SVG, whose text
// the reading system sets in its own fonts. Symbols the font lacks (an
// emoji) are left out.
func rasterCover(bk *book, publisher, dates ltext) ([]byte, bool, error) {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, false, err
	}
	var sb sfnt.Buffer
	drawable := func(s string) (string, bool) {
		var b strings.Builder
		for _, r := range s {
			gi, err := f.GlyphIndex(&sb, r)
			switch {
			case err == nil && gi != 0 || r == ' ':
				b.WriteRune(r)
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				return "", false
			}
		}
		return strings.Join(strings.Fields(b.String()), " "), true
	}
	title, ok := drawable(bk.Title.S)
	if !ok || title == "" {
		return nil, false, nil
	}
	canvas := image.NewRGBA(image.Rect(0, 0, coverW, coverH))
	ink := func(c uint32) *image.Uniform {
		return image.NewUniform(color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff})
	}
	draw.Draw(canvas, canvas.Bounds(), ink(0xf2efe8), image.Point{}, draw.Src)
	rect := func(x0, y0, x1, y1 int, c uint32) {
		draw.Draw(canvas, image.Rect(x0, y0, x1, y1), ink(c), image.Point{}, draw.Src)
	}
	// The frame and the rules of the SVG cover.
	rect(48, 48, coverW-48, 50, 0x1b1b1b)
	rect(48, coverH-50, coverW-48, coverH-48, 0x1b1b1b)
	rect(48, 48, 50, coverH-48, 0x1b1b1b)
	rect(coverW-50, 48, coverW-48, coverH-48, 0x1b1b1b)
	y := 520
	rect(160, y-112, coverW-160, y-108, 0x1b1b1b)
	text := func(s string, size, maxLines int, c uint32) error {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return err
		}
		defer face.Close()
		d := font.Drawer{Dst: canvas, Src: ink(c), Face: face}
		for _, line := range wrapCover(s, float64(coverW-240)/float64(size)*0.95, maxLines) {
			w := d.MeasureString(line).Round()
			d.Dot = fixed.P((coverW-w)/2, y)
			d.DrawString(line)
			y += size * 5 / 4
		}
		return nil
	}
	if err := text(title, 80, 6, 0x1b1b1b); err != nil {
		return nil, false, err
	}
	y += 30
	if s, ok := drawable(bk.Sub.S); ok {
		text(s, 44, 4, 0x3a3a3a)
	}
	y += 20
	if s, ok := drawable(dates.S); ok {
		text(s, 38, 1, 0x4a4a4a)
	}
	y += 10
	rect(160, y, coverW-160, y+2, 0x1b1b1b)
	y = coverH - 200
	if s, ok := drawable(publisher.S); ok {
		text(s, 36, 2, 0x4a4a4a)
	}
	var buf bytes.Buffer
	if err := assets.EncodeJPEG(&buf, canvas, DefaultQuality); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), true, nil
}
