package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vitrine-tools/vitrine/cmd/vitrine/serve"
)

type serveOptions struct {
	addr string
	all  bool
}

func newServeCmd(a *app) *cobra.Command {
	opts := &serveOptions{}
	c := &cobra.Command{
		Use:   "serve OUT [--addr 127.0.0.1:8080]",
		Short: "Serve a build folder as a static IIIF host, to look at it in viewers",
		Long: `serve publishes OUT (the folder vitrine build wrote) over HTTP, the way a
static IIIF host must: IIIF manifests and info.json as application/ld+json
with their profile, CORS on every response, ETag and Last-Modified, and byte
ranges. Open the printed address for the index pages: plates, deep zoom,
the manifest, the EPUB and the bag.

It listens on 127.0.0.1 only unless --addr names another interface (an
address without a host such as :8080 needs --all-interfaces). It serves
nothing outside OUT and no hidden files.

It rewrites nothing: IIIF ids carry the base URL given to build. serve
prints the base URL each exhibition was built with and warns when it is not
the address served; rebuild with --base-url to match. Requests that fail
(404 and other errors) are printed, one a line, to show what a viewer asked
for that OUT does not have.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runServe(c, a, args[0], opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.addr, "addr", serve.DefaultAddr, "address to listen on (host:port; port 0 picks a free one)")
	f.BoolVar(&opts.all, "all-interfaces", false, "allow an address without a host (listen on every interface)")
	return c
}

func runServe(c *cobra.Command, a *app, dir string, opts *serveOptions) error {
	h, err := serve.New(dir)
	if err != nil {
		return err
	}
	defer h.Close()
	l, err := serve.Listen(opts.addr, opts.all)
	if err != nil {
		return err
	}
	url := serve.URL(l)
	fmt.Fprintf(a.stdout, "serving %s at %s (Ctrl-C to stop)\n", dir, url)
	if err := serve.CheckBase(a.stdout, h.FS(), url); err != nil {
		fmt.Fprintf(a.stderr, "vitrine: warning: %v (see above)\n", err)
	}
	return serve.Serve(c.Context(), l, serve.LogErrors(h, a.stderr))
}
