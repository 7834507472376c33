package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

type validateOptions struct {
	maxPixels   int64
	headersOnly bool
	cacheDir    string
}

func newValidateCmd(a *app) *cobra.Command {
	opts := &validateOptions{}
	c := &cobra.Command{
		Use:   "validate [DIR|FILE]",
		Short: "Check an exhibition and report every problem at once",
		Long: `validate loads an exhibition (a folder with exhibition.yaml or
exhibition.json, or the file itself) and checks everything a build needs:
syntax, field names, required fields, duplicate numbers and ids, every image
(present, inside the folder, readable, its format and size), languages,
rights and dates. Each problem is printed as file:line:column with what to do.

Then every image is decoded as build decodes it (--headers-only skips
this): an image build could not use is an error, a damaged one that build
would repair (corrupt or missing data filled with grey, as other readers
fill it) a warning. The verdict is kept in the derivative cache with the
image's checksum, so an unchanged image is not decoded again by the next
validate.

Exit status: 0 when there are no errors (warnings are printed), 1 otherwise.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			// Validation only reads: on Ctrl-C it is abandoned at once.
			type result struct {
				ex  *model.Exhibition
				err error
			}
			done := make(chan result, 1)
			go func() {
				ex, _, err := loadAndCheck(a.stderr, dir, model.ValidateOptions{MaxPixels: opts.maxPixels}, "")
				done <- result{ex, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-c.Context().Done():
				return errors.New("interrupted")
			}
			ex, err := r.ex, r.err
			if err != nil {
				return err
			}
			if !opts.headersOnly {
				ps, err := decodeCheck(c.Context(), ex, opts)
				if err != nil {
					return err
				}
				printProblems(a.stderr, ps)
				if ps.HasErrors() {
					fmt.Fprintf(a.stderr, "%d error(s), %d warning(s)\n", len(ps.Errors()), len(ps.Warnings()))
					return exitError{exitFail}
				}
			}
			fmt.Fprintf(a.stdout, "%s: %d plates, %d images: valid\n", ex.File, len(ex.Plates), countImages(ex))
			return nil
		},
	}
	c.Flags().Int64Var(&opts.maxPixels, "max-pixels", model.DefaultMaxPixels, "refuse images with more pixels than this (read from the header)")
	c.Flags().BoolVar(&opts.headersOnly, "headers-only", false, "read only the images' headers; do not decode them")
	c.Flags().StringVar(&opts.cacheDir, "cache-dir", "", "the derivative cache, where decoding verdicts are kept (default: as build)")
	return c
}

// decodeCheck decodes every image of ex as build does (the asset store,
// with no derivative to make) and returns an error for each image build
// could not use and a warning for each it would repair, placed at the
// image's field in the exhibition file.
func decodeCheck(ctx context.Context, ex *model.Exhibition, opts *validateOptions) (model.Problems, error) {
	cacheDir := opts.cacheDir
	if cacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cacheDir = filepath.Join(d, "vitrine")
		} // else a temporary cache, removed by Close
	}
	store, err := assets.New(ex, assets.Options{CacheDir: cacheDir, MaxPixels: opts.maxPixels})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if err := store.Run(ctx, nil); err != nil && ctx.Err() != nil {
		return nil, errors.New("interrupted")
	}
	fields := ex.ImageFields()
	failed := store.Failed()
	var ps model.Problems
	for _, rel := range sortedKeys(fields) {
		if err, bad := failed[rel]; bad {
			msg := strings.TrimPrefix(err.Error(), assets.ErrImage.Error()+" ")
			ps = append(ps, ex.ProblemAt(model.Error, fields[rel], msg, "build cannot use this image: replace it, or build with --keep-going to leave it out"))
		} else if m := store.Master(rel); m != nil && m.Damage != "" {
			ps = append(ps, ex.ProblemAt(model.Warning, fields[rel], fmt.Sprintf("%q is damaged: %s", rel, m.Damage), "build repairs it as other readers do; compare it with its source and replace it if you can"))
		}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
	})
	return ps, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// loadAndValidate loads and validates for a command that writes, printing
// every problem to w. It returns exitError{1} when there are errors
// (already printed).
func loadAndValidate(w io.Writer, dir string, opt model.ValidateOptions) (*model.Exhibition, map[string]model.ImageInfo, error) {
	return loadAndCheck(w, dir, opt, "; nothing was written")
}

// loadAndCheck is loadAndValidate with the end of its summary line given:
// "validate" writes nothing, so it does not say so. When the file itself
// cannot be read (syntax, unknown or repeated fields) the other checks have
// not run yet, and the summary says that too.
func loadAndCheck(w io.Writer, dir string, opt model.ValidateOptions, suffix string) (*model.Exhibition, map[string]model.ImageInfo, error) {
	ex, err := model.Load(dir)
	if err != nil {
		var ps *model.Problems
		if errors.As(err, &ps) {
			if ex == nil {
				printProblems(w, *ps)
				fmt.Fprintf(w, "%d error(s)%s; the images, languages, rights and dates are checked once the file reads without errors\n", len(ps.Errors()), suffix)
				return nil, nil, exitError{exitFail}
			}
			// Read whole despite the problems (unknown fields, escaped
			// control characters): validate it too, so that every problem
			// is reported in this run, in the order of the file.
			all := *ps
			more, _ := model.Validate(ex, opt)
			all = append(all, more...)
			sort.SliceStable(all, func(i, j int) bool {
				a, b := all[i].Pos, all[j].Pos
				return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
			})
			printProblems(w, all)
			fmt.Fprintf(w, "%d error(s), %d warning(s)%s\n", len(all.Errors()), len(all.Warnings()), suffix)
			return nil, nil, exitError{exitFail}
		}
		return nil, nil, err
	}
	ps, infos := model.Validate(ex, opt)
	if !ps.HasErrors() {
		// What the masters carry besides pixels: profiles that cannot be
		// applied (warnings), private data that is not published (a notice).
		ps = append(ps, assets.Survey(ex, infos)...)
	}
	printProblems(w, ps)
	if ps.HasErrors() {
		fmt.Fprintf(w, "%d error(s), %d warning(s)%s\n", len(ps.Errors()), len(ps.Warnings()), suffix)
		return nil, nil, exitError{exitFail}
	}
	return ex, infos, nil
}

func printProblems(w io.Writer, ps model.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p.Error())
	}
}

func countImages(ex *model.Exhibition) int {
	n := 0
	for _, p := range ex.Plates {
		n += len(p.Images)
	}
	return n
}
