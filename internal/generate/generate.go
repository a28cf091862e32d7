// Package generate runs the pure part of the pipeline: answers to plan to
// rendered tree, including the record file that lets a later update find
// out how a service was generated. It touches neither disk nor terminal.
package generate

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"

	"gopkg.in/yaml.v3"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/guide"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/render"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
	"gitlab.opencode.de/ozg-new/ozg-new/templates"
)

// RecordPath is the file in a generated repository that records how it was
// generated.
const RecordPath = ".ozg-new.yaml"

// Record is the content of RecordPath.
type Record struct {
	GeneratorVersion string          `yaml:"generator_version"`
	Standards        string          `yaml:"standards"`
	Answers          answers.Answers `yaml:"answers"`
}

const recordHeader = "# Written by ozg-new; `ozg-new update` reads it. Edit answers here only\n" +
	"# through `ozg-new update --set key=value`, so the update knows what changed.\n"

// MarshalRecord encodes a record with its explanatory header.
func MarshalRecord(r Record) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(recordHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("encode %s: %w", RecordPath, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode %s: %w", RecordPath, err)
	}
	return buf.Bytes(), nil
}

// ParseRecord decodes a record file; unknown keys are an error.
func ParseRecord(r io.Reader) (Record, error) {
	var rec Record
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&rec); err != nil {
		return Record{}, fmt.Errorf("parse %s: %w", RecordPath, err)
	}
	return rec, nil
}

// Env is the fixed data the pipeline reads: catalog, directory, template
// tree and the generator's version.
type Env struct {
	Catalog   *catalog.Catalog
	Regions   *jurisdictions.Directory
	Templates fs.FS
	Version   string
}

// ValidationEnv is what answers.Validate needs from the catalog and the
// jurisdictions directory.
func (e Env) ValidationEnv() answers.Env {
	return answers.Env{
		Releases: e.Catalog.IDs(),
		Region: func(ars string) (string, bool) {
			r, ok := e.Regions.Lookup(ars)
			return r.Name, ok
		},
		Suggest: e.Regions.Suggest,
	}
}

// Complete fills the defaults of a and validates the result. The problems
// are returned as an answers.Problems error.
func (e Env) Complete(a answers.Answers) (answers.Answers, error) {
	a = answers.WithDefaults(a, e.Catalog.Newest().ID)
	if ps := answers.Validate(a, e.ValidationEnv()); len(ps) > 0 {
		return a, ps
	}
	return a, nil
}

// Generate turns complete, valid answers into the plan and the rendered
// tree, record file included. Same answers, same bytes.
func (e Env) Generate(a answers.Answers) (*plan.Plan, *tree.Tree, error) {
	p, err := plan.New(a, e.Catalog, e.Regions, e.Version)
	if err != nil {
		return nil, nil, err
	}
	t, err := render.Render(e.Templates, p, p.Include)
	if err != nil {
		return nil, nil, fmt.Errorf("render service: %w", err)
	}
	if err := addGuide(t, p, e.Catalog); err != nil {
		return nil, nil, err
	}
	rec, err := MarshalRecord(Record{GeneratorVersion: e.Version, Standards: p.Release, Answers: a})
	if err != nil {
		return nil, nil, err
	}
	if err := t.Add(RecordPath, rec, 0o644); err != nil {
		return nil, nil, err
	}
	return p, t, nil
}

// Guide files of a generated service, by language: the Leitfaden tailored
// to it, in German always and in English when the service offers English.
var guideFiles = map[string]string{i18n.DE: "docs/LEITFADEN.md", i18n.EN: "docs/GUIDE.md"}

// addGuide writes the service's tailored guide into t, and the data of
// its sandbox's lab walkthrough.
func addGuide(t *tree.Tree, p *plan.Plan, cat *catalog.Catalog) error {
	data, err := guide.Load()
	if err != nil {
		return err
	}
	rel, ok := cat.Release(p.Release)
	if !ok {
		return fmt.Errorf("guide: no standards release %s", p.Release)
	}
	lab, err := data.LabFile(p, rel)
	if err != nil {
		return err
	}
	// The template tree's copy holds one example's walkthrough; the
	// service gets its own.
	t.Remove(guide.LabPath)
	if err := t.Add(guide.LabPath, lab, 0o644); err != nil {
		return err
	}
	for _, lang := range p.Languages {
		name, ok := guideFiles[lang]
		if !ok {
			continue
		}
		if err := t.Add(name, []byte(data.Service(p, rel, lang).Markdown()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Version is the version of ozg-new. It is recorded in every generated
// service, so it is a constant: the same binary always writes the same bytes.
const Version = "0.1.0"

// LoadEnv loads the embedded catalog, directory and templates. The two data
// sets are parsed concurrently: together they are a good part of the start-up
// time of every command.
func LoadEnv() (Env, error) {
	var (
		dir    *jurisdictions.Directory
		dirErr error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		dir, dirErr = jurisdictions.Load()
	}()
	cat, err := catalog.Load()
	<-done
	if err != nil {
		return Env{}, fmt.Errorf("load standards catalog: %w", err)
	}
	if dirErr != nil {
		return Env{}, fmt.Errorf("load jurisdictions: %w", dirErr)
	}
	return Env{Catalog: cat, Regions: dir, Templates: templates.Service(), Version: Version}, nil
}
