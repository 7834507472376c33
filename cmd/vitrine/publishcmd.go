package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/cmd/vitrine/publish"
)

const targetHelp = `TARGET is a URL naming a bucket (and a prefix in it), in the form
gocloud.dev opens, so it reads the same in every command:

  s3://BUCKET/PREFIX?region=eu-west-1                       Amazon S3
  s3://BUCKET/PREFIX?endpoint=http://127.0.0.1:9000&use_path_style=true&region=us-east-1
                                                            S3-compatible servers
  gs://BUCKET?prefix=PREFIX/                                Google Cloud Storage
  azblob://CONTAINER?prefix=PREFIX/                         Azure Blob Storage
  file:///srv/www/iiif                                      a local folder

Credentials come from each cloud's usual places: the environment
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS,
AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY), shared configuration files
(~/.aws), or the machine's instance role. They are never taken from flags or
from OUT, and never printed.`

type publishOptions struct {
	publicURL     string
	allowMismatch bool
	jobs          int
	cors          bool
	applyCORS     bool
	quiet         bool
	verbose       bool
}

func newPublishCmd(a *app) *cobra.Command {
	opts := &publishOptions{}
	c := &cobra.Command{
		Use:   "publish OUT TARGET",
		Short: "Copy a build's IIIF site, pages, EPUB and bag to object storage",
		Long: `publish copies OUT (the folder vitrine build wrote) to TARGET, so that IIIF
viewers and readers can reach it: each file with its media type (IIIF JSON as
application/ld+json with its API's profile) and a Cache-Control suited to it
(tiles and sizes a day, JSON and pages revalidated on every use).

Only what changed is sent: an image folder whose stamp matches the published
one is skipped whole, and every other file is compared by size and MD5 with
the object there. Uploads run in parallel (--jobs) and are retried with
backoff. Images go first, then info.json, then manifests and the collection,
then pages, and each object appears only when complete: an interrupted
publish leaves the target consistent, and running it again sends only what
is missing. A lock object per exhibition (.vitrine-publish/SLUG.lock) keeps
two jobs from publishing the same exhibition at once.

The build's --base-url must be the address TARGET is read at (derived from
the URL for S3 endpoints in path style, Amazon S3 with a region, Google
Cloud Storage and Azure; --public-url otherwise, or when a CDN fronts the
bucket). Viewers on other sites need a CORS rule on the bucket: --cors
prints it, --apply-cors sets it on S3-compatible stores.

` + targetHelp,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return runPublish(c, a, args[0], args[1], opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.publicURL, "public-url", "", "address TARGET is read at, if not the one its URL implies (a CDN, a custom domain)")
	f.BoolVar(&opts.allowMismatch, "allow-base-mismatch", false, "publish even if the build's --base-url is not TARGET's public address")
	f.IntVarP(&opts.jobs, "jobs", "j", 8, "uploads at once")
	f.BoolVar(&opts.cors, "cors", false, "print the CORS rule the bucket needs")
	f.BoolVar(&opts.applyCORS, "apply-cors", false, "set that CORS rule on the bucket (S3-compatible stores)")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print only problems")
	f.BoolVarP(&opts.verbose, "verbose", "v", false, "name every file sent")
	return c
}

func runPublish(c *cobra.Command, a *app, out, target string, opts *publishOptions) error {
	if opts.jobs < 1 {
		return fmt.Errorf("%w: --jobs must be 1 or more", errUsage)
	}
	ctx := c.Context()
	start := time.Now()
	// Like build: a line redrawn in place on a terminal, otherwise a line
	// at most every second (and the last one).
	bar := !opts.quiet && isTerminal(a.stderr)
	var last time.Time
	res, err := publish.Publish(ctx, out, target, publish.Options{
		Workers: opts.jobs, PublicURL: opts.publicURL, AllowBaseMismatch: opts.allowMismatch, Log: a.stderr,
		Progress: func(p publish.Progress) {
			if opts.verbose && p.Sent {
				if bar {
					fmt.Fprint(a.stderr, "\r\033[K")
				}
				fmt.Fprintf(a.stderr, "sent %s\n", p.Path)
			}
			if opts.quiet || (time.Since(last) < time.Second && p.Done < p.Total) {
				return
			}
			last = time.Now()
			line := fmt.Sprintf("publish: %d/%d files, %s/%s", p.Done, p.Total, mib(p.BytesDone), mib(p.BytesTotal))
			if bar {
				fmt.Fprintf(a.stderr, "\r\033[K%s", line)
				if p.Done == p.Total {
					fmt.Fprintln(a.stderr)
				}
				return
			}
			fmt.Fprintln(a.stderr, line)
		},
	})
	if err != nil {
		if errors.Is(err, publish.ErrBaseURL) {
			return fmt.Errorf("%w\nnothing was sent", err)
		}
		return err
	}
	if opts.applyCORS {
		if err := publish.ApplyCORS(ctx, target); err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, "publish: CORS rule set on the bucket")
	}
	if opts.cors {
		fmt.Fprintln(a.stdout, publish.CORSText(target))
	}
	if !opts.quiet {
		fmt.Fprintf(a.stdout, "published %s to %s: %d files, %d sent (%s), %d unchanged (%d image folders carried over), in %.1f s\n",
			out, publish.Redact(target), res.Files, res.Uploaded, mib(res.Bytes), res.Unchanged, res.FoldersCarried, time.Since(start).Seconds())
	}
	return nil
}

type depositOptions struct {
	key     string
	receipt string
}

func newDepositCmd(a *app) *cobra.Command {
	opts := &depositOptions{}
	c := &cobra.Command{
		Use:   "deposit BAG TARGET",
		Short: "Upload a bag to a repository's bucket or folder, check it there, and write a receipt",
		Long: `deposit hands a serialized bag (the ZIP or TAR vitrine build wrote under
OUT/bags/) to a repository's receiving bucket or drop folder:

  1. it verifies the bag here (as vitrine verify does) and sends nothing if
     it is not valid;
  2. it uploads it under its file name (--key to change; APTrust expects a
     TAR named like the bag folder inside it, which is how build names it);
  3. it reads the object back and compares its size and SHA-256;
  4. it verifies the stored bag in place by ranged reads (vitrine verify
     --fast: bagit.txt, manifests, file lists and Payload-Oxum);
  5. it writes a receipt, BAG.receipt.json (--receipt): what was sent, where,
     when, its SHA-256, SHA-512 and MD5, and the result of each check.

It exits 1 when a check after the upload fails (the receipt says which).

` + targetHelp,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			rc, err := publish.Deposit(c.Context(), args[0], args[1], "vitrine "+version, publish.DepositOptions{Key: opts.key, Receipt: opts.receipt, Log: a.stderr})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "deposited %s as %s in %s: %d bytes, SHA-256 %s; read back and verified there\n", args[0], rc.Key, rc.Target, rc.Size, rc.SHA256)
			return nil
		},
	}
	c.Flags().StringVar(&opts.key, "key", "", "object name under TARGET (default: the bag's file name)")
	c.Flags().StringVar(&opts.receipt, "receipt", "", "where to write the receipt (default: BAG.receipt.json)")
	return c
}

func mib(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
