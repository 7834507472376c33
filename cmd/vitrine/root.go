package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// version is vitrine's version; release builds set it with
// -ldflags "-X main.version=...". It appears in colophons and bag-info.txt.
var version = "0.1.0-dev"

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// errUsage marks errors in how the command was called (exit 2).
var errUsage = errors.New("usage")

// exitError carries a specific exit status out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

type app struct {
	stdout, stderr io.Writer
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "vitrine",
		Short: "Package an exhibition as an EPUB catalogue, IIIF manifests and a BagIt archive",
		Long: `vitrine takes one description of an exhibition (exhibition.yaml and its
images) and packages it as an EPUB 3 catalogue, IIIF Presentation 3.0
manifests with level-0 static tiles, and a BagIt ZIP for deposit.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		//lint:ignore ST1005 printed as it is: the last line a user reads, a sentence
		return fmt.Errorf("%w: %v\nRun '%s --help' for usage.", errUsage, err, c.CommandPath())
	})
	root.AddCommand(
		newValidateCmd(a),
		newBuildCmd(a),
		newVerifyCmd(a),
		newServeCmd(a),
		newPublishCmd(a),
		newDepositCmd(a),
		newVersionCmd(a),
		newImportCmd(a),
		newInitCmd(a),
	)
	return root
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "vitrine:", err)
	if errors.Is(err, errUsage) || isCobraUsageError(err) {
		return exitUsage
	}
	return exitFail
}

// isCobraUsageError recognises cobra's own argument errors, which it does
// not wrap.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand flag", "invalid argument", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print vitrine's version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintln(a.stdout, "vitrine", version)
			return nil
		},
	}
}
