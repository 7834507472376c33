package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/model"
	"github.com/vitrine-tools/vitrine/model/csvimport"
	"github.com/vitrine-tools/vitrine/model/importer"
	"github.com/vitrine-tools/vitrine/model/textimport"
)

type importOptions struct {
	out       string
	title     string
	lang      string
	slug      string
	rights    string
	images    string
	force     bool
	edition   string
	publisher string
	// import csv
	fetch        bool
	fetchLimit   int64
	fetchTimeout time.Duration
	cacheDir     string
	// init
	bornDigital bool
}

// addColophonFlags adds --edition and --publisher, which every importer
// takes (without them the outputs are dated 2000-01-01 and the bag's
// Source-Organization is unknown).
func addColophonFlags(c *cobra.Command, o *importOptions) {
	f := c.Flags()
	f.StringVar(&o.edition, "edition", "", "edition date of the catalogue, YYYY-MM-DD (dates the EPUB, the bag and the archive entries)")
	f.StringVar(&o.publisher, "publisher", "", "name of the publishing institution (an agent with the role publisher; the bag's Source-Organization)")
}

// checkColophon refuses a bad --edition before any work.
func checkColophon(o *importOptions) error {
	if o.edition == "" {
		return nil
	}
	if _, err := model.EditionTime(o.edition); err != nil {
		return fmt.Errorf("%w: --edition: %v", errUsage, err)
	}
	return nil
}

func newImportCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "import",
		Short: "Start an exhibition from a caption list or a spreadsheet",
		Long: `import turns what curators already have into an exhibition folder that
'vitrine validate' accepts:

  vitrine import text FILE -o DIR   a plain-text caption list (copied from a
                                    web page or a PDF)
  vitrine import csv FILE -o DIR    a spreadsheet saved as CSV

It never replaces an existing exhibition file without --force, and writes
nothing when there is an error. Importing the same input again gives the
same file, byte for byte, with the same identifiers.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return fmt.Errorf("%w: name what to import: 'vitrine import text FILE -o DIR' or 'vitrine import csv FILE -o DIR'", errUsage)
		},
	}
	c.AddCommand(newImportTextCmd(a), newImportCSVCmd(a))
	return c
}

func addCommonImportFlags(c *cobra.Command, o *importOptions) {
	f := c.Flags()
	f.StringVarP(&o.out, "out", "o", "", "exhibition folder to write (required)")
	f.StringVar(&o.title, "title", "", "title of the exhibition")
	f.StringVar(&o.lang, "lang", "en", "BCP 47 language tag of the texts")
	f.StringVar(&o.slug, "slug", "", "short name for files and URLs (default: from the folder name)")
	f.StringVar(&o.rights, "rights", textimport.UndeterminedRights, "rights statement or licence URI for the exhibition")
	f.BoolVar(&o.force, "force", false, "replace an existing exhibition file")
	_ = c.MarkFlagRequired("out")
	addColophonFlags(c, o)
}

func newImportTextCmd(a *app) *cobra.Command {
	o := &importOptions{}
	c := &cobra.Command{
		Use:   "text FILE -o DIR",
		Short: "Import a plain-text caption list",
		Long: `text reads a plain-text exhibition listing: introduction paragraphs, then
numbered captions "N. text" that may wrap over several lines. It joins
wrapped lines, keeps every word, finds and normalizes each caption's date,
and writes DIR/exhibition.yaml.

It prints what it guessed or doubts, each with its line number: captions
that look cut short (also noted on the plate), captions without final
punctuation, gaps and repeats in the numbering, lines it did not understand
(kept as notes) and the navigation leftovers it dropped.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			data, slug, err := readImportInput(o, args[0])
			if err != nil {
				return err
			}
			ex, notes, err := textimport.Import(data, textimport.Options{
				Title: o.title, Lang: o.lang, Slug: slug, Rights: o.rights, SourceFile: args[0],
			})
			if err == nil {
				err = importer.Colophon(ex, o.edition, o.publisher)
			}
			if err != nil {
				return fmt.Errorf("%s: %w\nnothing was written", args[0], err)
			}
			printNotices(a.stderr, args[0], notes)
			return finishImport(c.Context(), a, o, ex, nil)
		},
	}
	addCommonImportFlags(c, o)
	return c
}

func newImportCSVCmd(a *app) *cobra.Command {
	o := &importOptions{}
	c := &cobra.Command{
		Use:   "csv FILE -o DIR [--images DIR]",
		Short: "Import a spreadsheet saved as CSV",
		Long: `csv reads a spreadsheet saved as CSV (UTF-8, with or without BOM; commas,
semicolons or tabs) whose first row names the columns, and checks in one pass
everything 'vitrine validate' would: every error is listed with its line and
column, and nothing is written while there is one.

Columns are recognized by their header (ignoring case, full stops, "_", "-",
camelCase and a qualifier in brackets) and, where several name the same
field, chosen by meaning and content; the choice is printed once:
  number   the institution's number (accession number, object number,
           objectid, inventory no, catalogue number) over number/no/plate,
           over identifier/pid, over a database id ("id")
  caption  title, caption, label (and title:ko-style language columns)
  date     a text date (dateText, display date, date, _date) over a numeric
           "year", which is kept as metadata
  rights   the column whose values are rights URIs (rightsstatement, rights,
           license); a rights column holding text becomes the credit
  files    image, file, filename, image filename, media ("a.jpg; b.pdf")
  also     creator/artist/photographer/maker, medium, dimensions,
           credit/creditLine, alt, description, section, place/location
Every other column is kept as plate metadata, labelled with its header.

Files are looked up under --images (default: the CSV file's folder), with
folders ("box1/a.jpg"): exactly, then regardless of case and Unicode
normalization (with a notice), else the error lists the closest names.
PDF, audio and video files become the plate's attachments. A URL is
downloaded only with --fetch. A sheet without a file column (Wax) finds
each row's images by its number: obj1.jpg for obj1. Files outside DIR are
copied into DIR/images/ (DIR/files/ for attachments).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkColophon(o); err != nil {
				return err
			}
			data, slug, err := readImportInput(o, args[0])
			if err != nil {
				return err
			}
			images := o.images
			if images == "" {
				images = filepath.Dir(args[0])
			}
			opt := csvimport.Options{
				Title: o.title, Lang: o.lang, Slug: slug, Rights: o.rights,
				Edition: o.edition, Publisher: o.publisher,
				SourceFile: args[0], ImagesDir: images, OutDir: o.out,
			}
			if o.fetch {
				tmp, err := os.MkdirTemp("", "vitrine-fetch-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				opt.Fetch = &csvimport.Fetch{Dir: tmp, MaxBytes: o.fetchLimit, Timeout: o.fetchTimeout, Context: c.Context()}
			}
			res, err := csvimport.Import(data, opt)
			if res != nil {
				printNotices(a.stderr, args[0], res.Notices)
			}
			if err != nil {
				return fmt.Errorf("%s:\n%w\nnothing was written", args[0], err)
			}
			// Decoded as build and validate decode them.
			errs, notes, err := decodeSources(c.Context(), res.Sources, model.DefaultMaxPixels, o.cacheDir)
			if err != nil {
				return err
			}
			printNotices(a.stderr, args[0], notes)
			if len(errs) > 0 {
				return fmt.Errorf("%s:\n%w (%d images cannot be decoded):\n%s\nnothing was written", args[0], csvimport.ErrInvalid, len(errs), strings.Join(errs, "\n"))
			}
			return finishImport(c.Context(), a, o, res.Exhibition, res.Copies)
		},
	}
	addCommonImportFlags(c, o)
	f := c.Flags()
	f.StringVar(&o.images, "images", "", "folder holding the files named in the sheet (default: the CSV file's folder)")
	f.BoolVar(&o.fetch, "fetch", false, "download the files the sheet names by URL (http, https)")
	f.Int64Var(&o.fetchLimit, "fetch-limit", csvimport.DefaultFetchLimit, "largest file --fetch downloads, in bytes")
	f.DurationVar(&o.fetchTimeout, "fetch-timeout", csvimport.DefaultFetchTimeout, "time limit of each download with --fetch")
	f.StringVar(&o.cacheDir, "cache-dir", "", "the derivative cache, where decoding verdicts are kept (default: as build)")
	return c
}

// importSlug is --slug, else the output folder's name made into a slug.
// readImportInput refuses to replace an exhibition file (before any work),
// then reads the input file and settles the slug.
func readImportInput(o *importOptions, file string) (data []byte, slug string, err error) {
	if err := refuseOverwrite(o); err != nil {
		return nil, "", err
	}
	if data, err = os.ReadFile(file); err != nil {
		return nil, "", err
	}
	if slug, err = importSlug(o); err != nil {
		return nil, "", err
	}
	return data, slug, nil
}

func importSlug(o *importOptions) (string, error) {
	if o.slug != "" {
		return o.slug, nil
	}
	abs, err := filepath.Abs(o.out)
	if err != nil {
		return "", err
	}
	return importer.Slugify(filepath.Base(abs)), nil
}

func printNotices(w io.Writer, file string, notes []importer.Notice) {
	for _, n := range notes {
		switch {
		case n.File != "":
			fmt.Fprintf(w, "%s: ", filepath.Join(file, n.File))
		case n.Line > 0:
			fmt.Fprintf(w, "%s:%d: ", file, n.Line)
		default:
			fmt.Fprintf(w, "%s: ", file)
		}
		if n.Column != "" {
			fmt.Fprintf(w, "column %q: ", n.Column)
		}
		fmt.Fprintf(w, "%s: %s\n", n.Kind, n.Msg)
	}
}

// finishImport checks what an importer made (it must read back and pass
// Validate) and writes it: first the image copies, each to a temporary name
// then renamed, then the exhibition file atomically. On any error nothing
// stays behind.
// refuseOverwrite fails when o.out already holds an exhibition file and
// --force is not given. It runs before the import, so that the refusal is
// not buried under the import's notices, and again before writing.
func refuseOverwrite(o *importOptions) error {
	if o.force {
		return nil
	}
	for _, n := range model.FileNames {
		if _, err := os.Lstat(filepath.Join(o.out, n)); err == nil {
			return fmt.Errorf("%s already exists; use --force to replace it\nnothing was written", filepath.Join(o.out, n))
		}
	}
	return nil
}

func finishImport(ctx context.Context, a *app, o *importOptions, ex *model.Exhibition, copies []importer.Copy) error {
	if err := refuseOverwrite(o); err != nil {
		return err
	}
	data, err := model.Marshal(ex)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(o.out)
	created := os.IsNotExist(statErr)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	var done []string
	undo := func() {
		for _, p := range done {
			os.Remove(p)
		}
		os.Remove(filepath.Join(o.out, "images")) // only if empty
		if created {
			os.Remove(o.out) // only if empty
		}
	}
	done, err = importer.CopyFiles(ctx, o.out, copies, o.force)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		if ctx.Err() != nil {
			err = errors.New("interrupted")
		}
		undo()
		return fmt.Errorf("%w\nnothing was written", err)
	}
	target := filepath.Join(o.out, model.FileNames[0])
	back, err := model.Parse(target, data)
	if err != nil {
		undo()
		return fmt.Errorf("internal error: the imported exhibition does not read back: %w\nnothing was written", err)
	}
	ps, _ := model.Validate(back, model.ValidateOptions{})
	if ps.HasErrors() {
		undo()
		printProblems(a.stderr, ps.Errors())
		return errors.New("the imported exhibition does not validate (see above)\nnothing was written")
	}
	if _, err := model.WriteExhibition(o.out, ex, o.force); err != nil {
		undo()
		return err
	}
	warnings := len(ps.Warnings())
	fmt.Fprintf(a.stdout, "wrote %s: %d plates", target, len(ex.Plates))
	if warnings > 0 {
		fmt.Fprintf(a.stdout, "; 'vitrine validate %s' reports %d warning(s)", o.out, warnings)
	}
	fmt.Fprintln(a.stdout)
	return nil
}
