package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestE2EUniversalViewerV2 builds the sample exhibition with
// --iiif-version 2 and opens it in Universal Viewer (.ci/e2e/uv.mjs): the
// first plate rendered, zoomed to full resolution, the next canvas, the
// gallery and the whole-image download, with no failed request. (TestE2EBuild
// runs the same case, with the other viewers, on the version 3 output.)
func TestE2EUniversalViewerV2(t *testing.T) {
	t.Parallel()
	harness := harnessDir(t)
	sample := filepath.Join("..", "..", "samples", "victory-70")
	if _, err := os.Stat(filepath.Join(sample, "exhibition.yaml")); err != nil {
		t.Fatalf("no sample at %s: %v", sample, err)
	}
	h := newHost(t)
	out := t.TempDir()
	var stderr bytes.Buffer
	code := run(t.Context(), []string{"build", sample, "-o", out, "--base-url", h.base, "--formats", "iiif", "--iiif-version", "2", "-q"}, io.Discard, &stderr)
	if code != exitOK {
		t.Fatalf("vitrine build --iiif-version 2: exit %d\n%s", code, stderr.String())
	}
	h.serveOut(t, out, nil)
	log, ok := runHarness(t, harness, "--screens", screensDir(t), "--case", "victory-70-v2:uv:"+h.base+"iiif/victory-70/manifest.json")
	t.Logf("harness output:\n%s", log)
	if !ok {
		t.Fatal("Universal Viewer failed on the version 2 output (see above and the screenshots)")
	}
}
