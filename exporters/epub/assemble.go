package epub

import (
	"encoding/base64"
	"fmt"
	"io"
	"path"

	goepub "github.com/go-shiori/go-epub"
)

// assemble writes the book with go-epub: a fresh *goepub.Epub per call,
// because writing one twice duplicates its manifest and spine. go-epub wraps
// each page body in XHTML, writes container.xml and copies the images from
// the asset store's files. Its package document, navigation document and NCX
// are replaced by fixup.
func assemble(bk *book, w io.Writer) error {
	e, err := goepub.NewEpub(bk.Title.S)
	if err != nil {
		return err
	}
	e.SetIdentifier(bk.ID)
	e.SetLang(bk.Lang)
	css, err := e.AddCSS("data:text/css;base64,"+base64.StdEncoding.EncodeToString(bk.CSS), "catalogue.css")
	if err != nil {
		return fmt.Errorf("stylesheet: %w", err)
	}
	for _, im := range bk.Images {
		src := im.Src
		if im.Data != nil {
			src = "data:" + im.mediaType() + ";base64," + base64.StdEncoding.EncodeToString(im.Data)
		}
		got, err := e.AddImage(src, im.Name)
		if err != nil {
			return fmt.Errorf("image %s: %w", im.Name, err)
		}
		if path.Base(got) != im.Name {
			return fmt.Errorf("image %s was stored as %s", im.Name, got)
		}
	}
	for _, p := range bk.Pages {
		got, err := e.AddSection(p.Body, p.Title, p.File, css)
		if err != nil {
			return fmt.Errorf("page %s: %w", p.File, err)
		}
		if got != p.File {
			return fmt.Errorf("page %s was stored as %s", p.File, got)
		}
	}
	_, err = e.WriteTo(w)
	return err
}
