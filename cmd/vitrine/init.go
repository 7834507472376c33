package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/model/folderimport"
)

func newInitCmd(a *app) *cobra.Command {
	o := &importOptions{}
	c := &cobra.Command{
		Use:   "init DIR",
		Short: "Make an exhibition from a folder of images",
		Long: `init writes DIR/exhibition.yaml with one plate per image of DIR, in natural
order of the file names (2 before 10). Caption, description, creator,
rights, keywords and date come from the metadata embedded in each image (XMP
dc:title, dc:description, dc:creator, dc:rights, dc:subject,
photoshop:DateCreated; IPTC Object Name, Caption, By-line, Copyright Notice,
Keywords, Date Created; EXIF ImageDescription, Artist, Copyright) where
present, else from the file name. Camera boilerplate such as "OLYMPUS
DIGITAL CAMERA" is not a caption.

The capture date (EXIF DateTimeOriginal, xmp:CreateDate) is when the file
was made: for scans and photographs of objects it is kept as the
digitisation date (a metadata field "Digitised"), never as the object's
date, unless --born-digital says the photographs are the objects.
Subfolders, .DS_Store, Thumbs.db and ._* files are skipped.

It never replaces an existing exhibition file without --force.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			o.out = dir
			if err := checkColophon(o); err != nil {
				return err
			}
			if err := refuseOverwrite(o); err != nil {
				return err
			}
			ex, notes, err := folderimport.Import(dir, folderimport.Options{
				Title: o.title, Lang: o.lang, Slug: o.slug, Rights: o.rights,
				BornDigital: o.bornDigital, Edition: o.edition, Publisher: o.publisher,
			})
			if err != nil {
				return fmt.Errorf("%s:\n%w\nnothing was written", dir, err)
			}
			printNotices(a.stderr, dir, notes)
			return finishImport(c.Context(), a, o, ex, nil)
		},
	}
	f := c.Flags()
	f.StringVar(&o.title, "title", "", "title of the exhibition (default: the folder's name)")
	f.StringVar(&o.lang, "lang", "en", "BCP 47 language tag of the texts")
	f.StringVar(&o.slug, "slug", "", "short name for files and URLs (default: from the folder's name)")
	f.StringVar(&o.rights, "rights", folderimport.UndeterminedRights, "rights statement or licence URI for the exhibition")
	f.BoolVar(&o.force, "force", false, "replace an existing exhibition file")
	f.BoolVar(&o.bornDigital, "born-digital", false, "the photographs are the objects: their capture date is the plates' date")
	addColophonFlags(c, o)
	return c
}
