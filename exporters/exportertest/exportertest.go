// Package exportertest runs builds in tests the way `vitrine build` runs
// them: the exhibition loaded and validated, then exporters.Run with the
// exporters under test. Tests of every format call it instead of writing
// the build's sequence out again.
package exportertest

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/vitrine-tools/vitrine/exporters"
	"github.com/vitrine-tools/vitrine/exporters/assets"
	"github.com/vitrine-tools/vitrine/model"
)

// BaseURL is the base URL of test builds unless Config.BaseURL says
// otherwise: the default of `vitrine build`.
const BaseURL = "http://127.0.0.1:8080/"

// Config is one test build. The zero Config builds into a new temporary
// OUT with a temporary cache and one worker.
type Config struct {
	// Out is the output folder; "" means a new folder under t.TempDir().
	Out string
	// BaseURL defaults to BaseURL.
	BaseURL string
	// Assets are the asset store's options; Workers 0 means 1.
	Assets assets.Options
	// Log receives the build's notes; nil means none.
	Log io.Writer
	// Context defaults to t.Context().
	Context context.Context
	// KeepGoing is exporters.Config.KeepGoing.
	KeepGoing bool
}

// Load loads and validates the exhibition in dir; any problem fails t.
func Load(t testing.TB, dir string) (*model.Exhibition, map[string]model.ImageInfo) {
	t.Helper()
	ex, err := model.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ps, infos := model.Validate(ex, model.ValidateOptions{})
	if ps.HasErrors() {
		t.Fatalf("fixture %s does not validate: %v", dir, ps.Errors())
	}
	return ex, infos
}

// Build loads the exhibition in dir and runs exporters.Run with exps, in
// that order. It returns OUT and Run's report and error; problems of the
// fixture itself fail t.
func Build(t testing.TB, dir string, c Config, exps ...exporters.Exporter) (string, *exporters.Report, error) {
	t.Helper()
	ex, infos := Load(t, dir)
	return BuildLoaded(t, ex, infos, c, exps...)
}

// BuildLoaded is Build for an exhibition already loaded.
func BuildLoaded(t testing.TB, ex *model.Exhibition, infos map[string]model.ImageInfo, c Config, exps ...exporters.Exporter) (string, *exporters.Report, error) {
	t.Helper()
	tm, err := ex.BuildTime()
	if err != nil {
		t.Fatal(err)
	}
	if c.Out == "" {
		c.Out = filepath.Join(t.TempDir(), "out")
	}
	if c.BaseURL == "" {
		c.BaseURL = BaseURL
	}
	if c.Assets.Workers == 0 {
		c.Assets.Workers = 1
	}
	if c.Context == nil {
		c.Context = t.Context()
	}
	out, err := exporters.NewOutput(c.Out)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Abort()
	rep, err := exporters.Run(c.Context, exporters.Config{
		Exhibition: ex, Images: infos, Exporters: exps, Out: out,
		BaseURL: c.BaseURL, Time: tm, Version: "test", Assets: c.Assets, Log: c.Log, KeepGoing: c.KeepGoing,
	})
	return c.Out, rep, err
}

// Func is an exporter made of a function, for tests: it stands in for a
// format (its name is the format's) or does something between two
// exporters of a build, such as changing a master after it was read.
type Func struct {
	Format string
	Fn     func(ctx context.Context, b *exporters.Build) error
}

// Name implements exporters.Exporter.
func (f Func) Name() string { return f.Format }

// Export implements exporters.Exporter.
func (f Func) Export(ctx context.Context, b *exporters.Build) error { return f.Fn(ctx, b) }
