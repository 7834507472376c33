// Command vitrine packages an exhibition (exhibition.yaml and its images) as
// an EPUB 3 catalogue, IIIF Presentation 3.0 manifests with level-0 tiles, and
// a BagIt archive, in one command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal cancels ctx, and the command cleans up and exits;
	// a second one ends the process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
