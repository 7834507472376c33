package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/exporters/bagit"
)

type verifyOptions struct {
	fast     bool
	json     bool
	strict   bool
	profile  string
	progress string
}

func newVerifyCmd(a *app) *cobra.Command {
	opts := &verifyOptions{}
	c := &cobra.Command{
		Use:   "verify BAG.zip|BAG.tar|BAG.tar.gz|DIR",
		Short: "Check a BagIt bag: completeness, every checksum, Payload-Oxum, a profile",
		Long: `verify checks a BagIt bag (0.93 to 1.0, made by vitrine or any other
tool), reading a ZIP, TAR or tar.gz directly without unpacking it: bagit.txt,
the tag files in the encoding it declares, that every file listed in every
payload manifest and in fetch.txt is present and that no payload file is
unlisted, every checksum of every payload and tag manifest, and Payload-Oxum.
Every problem is reported, one per file; what the BagIt specifications only
discourage is a warning with its file and line (--strict makes warnings
fail). It never downloads what fetch.txt lists.

--profile checks the bag against a BagIt profile too: a profile's JSON file,
or the URI of a profile shipped with vitrine (btr, aptrust), resolved offline.

Archives holding unsafe entries (absolute paths, "..", symbolic or hard
links, devices) are refused without reading further.

Exit status: 0 the bag is valid, 1 it is not (problems listed), 2 it cannot
be checked (unreadable, not a folder or archive of one folder, unsafe entry,
unusable profile, bad usage).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runVerify(c, a, args[0], opts)
		},
	}
	f := c.Flags()
	f.BoolVar(&opts.fast, "fast", false, "check Payload-Oxum and the file lists only; read no payload bytes")
	f.BoolVar(&opts.json, "json", false, "print the report as JSON on stdout (problem and warning codes: see the README)")
	f.BoolVar(&opts.strict, "strict", false, "count warnings as problems: the bag is valid only without any")
	f.StringVar(&opts.profile, "profile", "", "also check the bag against this BagIt profile: a JSON file, or btr, aptrust or their URI")
	f.StringVar(&opts.progress, "progress", "auto", "progress bar on stderr: auto (on a terminal, for bags over 64 MB), always, never")
	return c
}

func runVerify(c *cobra.Command, a *app, p string, opts *verifyOptions) error {
	vo := bagit.VerifyOptions{Fast: opts.fast, Strict: opts.strict}
	if opts.profile != "" {
		prof, err := bagit.LoadProfile(opts.profile)
		if err != nil {
			if opts.json {
				writeJSON(a.stdout, map[string]any{"path": p, "valid": false, "usable": false, "error": "--profile: " + err.Error()})
			}
			fmt.Fprintf(a.stderr, "vitrine verify: --profile: %v\n", err)
			return exitError{exitUsage}
		}
		vo.Profile = prof
	}
	var bar *progressBar
	switch opts.progress {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("%w: --progress %q is not auto, always or never", errUsage, opts.progress)
	}
	if opts.progress == "always" || (opts.progress == "auto" && isTerminal(a.stderr)) {
		bar = &progressBar{w: a.stderr, min: 64 << 20}
		if opts.progress == "always" {
			bar.min = 0
		}
		vo.Progress = bar.update
	}
	rep, err := bagit.Verify(c.Context(), p, vo)
	bar.finish()
	if err != nil {
		if errors.Is(err, bagit.ErrUnusable) {
			if opts.json {
				writeJSON(a.stdout, map[string]any{"path": p, "valid": false, "usable": false, "error": err.Error()})
			}
			fmt.Fprintf(a.stderr, "vitrine verify: %s: %v\n", p, err)
			return exitError{exitUsage}
		}
		return err
	}
	if opts.json {
		if err := writeJSON(a.stdout, rep); err != nil {
			return err
		}
	} else {
		printReport(a.stdout, rep)
	}
	if !rep.Valid {
		return exitError{exitFail}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func printReport(w io.Writer, r *bagit.Report) {
	state := "valid"
	if !r.Valid {
		state = "INVALID"
	}
	what := "checksums " + strings.Join(r.Algorithms, "+")
	if len(r.TagAlgorithms) > 0 {
		what += ", tag manifests " + strings.Join(r.TagAlgorithms, "+")
	}
	if r.Fast {
		what = "fast: Payload-Oxum and file lists only, no checksums"
	}
	if r.Encoding != "" && !strings.EqualFold(r.Encoding, "UTF-8") {
		what += ", tag files in " + r.Encoding
	}
	if r.Profile != "" {
		what += ", profile " + r.Profile
	}
	fmt.Fprintf(w, "%s: %s (%s bag %q, BagIt %s, %d payload files, %s; %s)\n",
		r.Path, state, r.Serialization, r.Name, r.Version, r.Files, bagit.HumanSize(r.Bytes), what)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s [%s]\n", p.Message, p.Kind)
	}
	for _, m := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s [%s]\n", m.Message, m.Kind)
	}
	switch n, nw := len(r.Problems), len(r.Warnings); {
	case n > 0 && nw > 0:
		fmt.Fprintf(w, "%d problem(s), %d warning(s)\n", n, nw)
	case n > 0:
		fmt.Fprintf(w, "%d problem(s)\n", n)
	case nw > 0 && r.Strict:
		fmt.Fprintf(w, "%d warning(s), which --strict counts as problems\n", nw)
	case nw > 0:
		fmt.Fprintf(w, "%d warning(s)\n", nw)
	}
}

// progressBar draws one updating line, at most ten times a second, for bags
// larger than min bytes.
type progressBar struct {
	w     io.Writer
	min   int64
	last  time.Time
	drawn bool
}

func (b *progressBar) update(done, total int64) {
	if total < b.min || total == 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	n := int(done * width / total)
	fmt.Fprintf(b.w, "\rverifying [%s%s] %3d%% %s of %s ", strings.Repeat("#", n), strings.Repeat(".", width-n),
		done*100/total, bagit.HumanSize(done), bagit.HumanSize(total))
	b.drawn = true
}

func (b *progressBar) finish() {
	if b != nil && b.drawn {
		fmt.Fprintln(b.w)
	}
}
