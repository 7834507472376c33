package main

import (
	"strings"
	"testing"
)

// TestValidateSummary: validate, which writes nothing, does not end with
// "nothing was written"; when the file itself does not read (a repeated
// field), the summary says the other checks are still to come, since
// Validate has not run.
func TestValidateSummary(t *testing.T) {
	bad := writeTestExhibition(t, strings.Replace(minimal, "p1.jpg", "nope.jpg", 1))
	code, _, stderr := runCLI(t, "validate", bad)
	if code != 1 || strings.Contains(stderr, "nothing was written") || !strings.Contains(stderr, "1 error(s), ") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	dup := writeTestExhibition(t, "title: again\n"+minimal)
	code, _, stderr = runCLI(t, "validate", dup)
	if code != 1 || !strings.Contains(stderr, "already defined") || !strings.Contains(stderr, "checked once the file reads without errors") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
