package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// DefaultBaseURL matches the default address of `vitrine serve`, so a build
// made without --base-url can be looked at straight away.
const DefaultBaseURL = "http://127.0.0.1:8080/"

type buildOptions struct {
	out       string
	formats   []string
	baseURL   string
	workers   int
	cacheDir  string
	maxPixels int64
	maxMemory string
	quiet     bool
	// linkCache lets IIIF files be hard links to the cache (default).
	linkCache bool
	// keepRights writes rights and creator into every published image
	// as XMP (assets.Options.KeepRights).
	keepRights bool
	// cpuProfile names a file for a CPU profile of the build (hidden
	// flag, for performance work: go tool pprof FILE).
	cpuProfile string
	// keepGoing builds without the images that cannot be used.
	keepGoing bool
	// the formats' own options
	format formatFlags
}

func newBuildCmd(a *app) *cobra.Command {
	opts := &buildOptions{}
	names := formatNames()
	c := &cobra.Command{
		Use:   "build [DIR] -o OUT",
		Short: "Build the EPUB catalogue, IIIF manifests and tiles, and BagIt archive",
		Long: `build loads and validates an exhibition (stopping on any error), reads and
decodes every image once, and writes the selected formats into OUT:

  OUT/epub/<slug>.epub             the EPUB 3 catalogue
  OUT/iiif/<slug>/manifest.json    IIIF Presentation 3.0 manifest, with level-0
  OUT/iiif/collection.json         tiles under OUT/iiif/<slug>/; the collection of
                                   every exhibition built into OUT
  OUT/bags/<slug>.zip              the BagIt 1.0 archive
  OUT/<slug>/index.html            index pages (site): plates, deep zoom, links;
  OUT/index.html                   every exhibition in OUT (vitrine serve OUT)

Outputs are written under a temporary name inside OUT and moved into place
only when every format succeeded: a failed or interrupted build leaves the
previous outputs as they were.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runBuild(c, a, dir, opts)
		},
	}
	f := c.Flags()
	f.StringVarP(&opts.out, "out", "o", "", "output folder (required)")
	f.StringSliceVar(&opts.formats, "formats", names, "formats to build: "+strings.Join(names, ","))
	f.StringVar(&opts.baseURL, "base-url", DefaultBaseURL, "public URL where OUT will be served; IIIF ids are made from it")
	f.IntVarP(&opts.workers, "jobs", "j", 0, "images processed at once (default: number of CPUs)")
	f.StringVar(&opts.cacheDir, "cache-dir", "", "keep image derivatives here between builds, e.g. OUT/.cache (default: vitrine in the user cache folder)")
	f.StringVar(&opts.maxMemory, "max-memory", "512MiB", "budget for decoded images in flight (e.g. 256MiB, 2GiB); larger masters are processed one at a time")
	f.Int64Var(&opts.maxPixels, "max-pixels", model.DefaultMaxPixels, "refuse images with more pixels than this (read from the header)")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print only problems")
	f.BoolVarP(&opts.keepGoing, "keep-going", "k", false, "build without the images that cannot be used (their plates keep their text), list them, and exit 1")
	f.BoolVar(&opts.linkCache, "link-cache", true, "put IIIF image files into OUT as hard links to the cache when both are on one file system (false: copy them, so that editing OUT in place cannot touch the cache)")
	f.BoolVar(&opts.keepRights, "keep-rights-metadata", false, "write the plate's credit line, rights URI and creator into every published image as XMP (dc:rights, xmpRights:WebStatement, dc:creator); without it published images carry no metadata at all")
	f.StringVar(&opts.cpuProfile, "cpuprofile", "", "write a CPU profile of the build to this file")
	_ = f.MarkHidden("cpuprofile")
	_ = c.MarkFlagRequired("out")
	opts.format.addFlags(f)
	return c
}

func runBuild(c *cobra.Command, a *app, dir string, opts *buildOptions) error {
	ctx := c.Context()
	if opts.cpuProfile != "" {
		f, err := os.Create(opts.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	u, err := url.Parse(opts.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: --base-url %q is not an http(s) URL", errUsage, opts.baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(opts.baseURL, " \t\n\"<>\\^`{|}") || u.User != nil {
		return fmt.Errorf("%w: --base-url %q: give a plain http(s) address without spaces, user, query (?) or fragment (#); IIIF ids are made by appending paths to it", errUsage, opts.baseURL)
	}
	selected, err := opts.format.exporters(opts.formats)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	maxMemory, err := assets.ParseSize(opts.maxMemory)
	if err != nil {
		return fmt.Errorf("%w: --max-memory: %v", errUsage, err)
	}
	if opts.workers < 0 {
		return fmt.Errorf("%w: --jobs must be 0 (number of CPUs) or more", errUsage)
	}
	start := time.Now()
	ex, infos, err := loadAndValidate(a.stderr, dir, model.ValidateOptions{MaxPixels: opts.maxPixels})
	if err != nil {
		return err
	}
	validated := time.Now()
	t, err := ex.BuildTime()
	if err != nil {
		return err
	}
	// Make the garbage collector work harder as the heap nears the budget
	// plus room for the rest of the build, so peak memory follows
	// --max-memory (512 MiB gives a soft limit of 768 MiB; measured peak
	// RSS on 24 MP masters: about 820 MiB). GOMEMLIMIT wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(maxMemory + 256<<20)
	}
	cacheDir, err := defaultCacheDir(opts.cacheDir, opts.out)
	if err != nil {
		return err
	}
	var log io.Writer = discard{}
	if !opts.quiet {
		log = a.stderr
	}
	// The progress bar is drawn on a terminal only; on a pipe or in CI each
	// image gets one plain line. Other output goes through it, so it is
	// printed above the bar.
	progress := newProgress(log, !opts.quiet && isTerminal(a.stderr))
	out, err := exporters.NewOutput(opts.out)
	if err != nil {
		return err
	}
	defer out.Abort()
	out.CopyOnly = !opts.linkCache
	rep, err := exporters.Run(ctx, exporters.Config{
		Exhibition: ex, Images: infos, Exporters: selected, Out: out,
		BaseURL: opts.baseURL, Time: t, Version: version, Log: progress, KeepGoing: opts.keepGoing,
		Assets: assets.Options{
			Workers: opts.workers, CacheDir: cacheDir, MaxPixels: opts.maxPixels, MaxMemory: maxMemory,
			Progress: progress.event, KeepRights: opts.keepRights,
		},
	})
	var oe *exporters.OptionError
	switch {
	case err != nil && ctx.Err() != nil:
		return interrupted(opts.out)
	case errors.As(err, &oe):
		// Options that cannot work are usage errors, found before any image is read.
		return fmt.Errorf("%w: %v", errUsage, oe.Err)
	case err != nil:
		return err
	}
	if afterBuild != nil {
		afterBuild(rep)
	}
	var phases []string
	for i, p := range rep.Phases {
		if i == 0 { // checks: loading and validating the exhibition too
			p.Took += validated.Sub(start)
		}
		phases = append(phases, fmt.Sprintf("%s %.1f s", p.Name, p.Took.Seconds()))
	}
	fmt.Fprintf(progress, "time: %s\n", strings.Join(phases, ", "))
	// Problems are printed even with --quiet.
	for _, d := range rep.Damaged {
		fmt.Fprintf(a.stderr, "vitrine: warning: %s is damaged; it was repaired as other readers repair it (%s); compare it with its source and replace it if you can\n", d.Path, d.Damage)
	}
	if !opts.quiet {
		fmt.Fprintf(a.stdout, "built %s (%d plates) into %s: %s\n", ex.Slug, len(ex.Plates), opts.out, strings.Join(rep.Formats, ", "))
	}
	if len(rep.LeftOut) > 0 {
		fmt.Fprintf(a.stderr, "vitrine: %d image(s) left out (--keep-going); their plates were built with their text only:\n", len(rep.LeftOut))
		for _, lo := range rep.LeftOut {
			fmt.Fprintf(a.stderr, "  %s (plate %s): %v\n", lo.Path, strings.Join(lo.Plates, ", "), lo.Err)
		}
		return exitError{exitFail}
	}
	return nil
}

// defaultCacheDir returns the cache folder: --cache-dir, else vitrine in the
// user cache folder ($XDG_CACHE_HOME, ~/.cache, ~/Library/Caches,
// %LocalAppData%), else OUT/.cache when there is no user cache folder.
func defaultCacheDir(flag, out string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "vitrine"), nil
	}
	return filepath.Join(out, ".cache"), nil
}

// afterBuild, when set by a test, is called with the report of a
// successful build (its asset counters cover the whole build, the bag
// included).
var afterBuild func(*exporters.Report)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
