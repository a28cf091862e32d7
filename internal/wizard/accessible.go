package wizard

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/charmbracelet/huh"
)

// runAccessible asks the pages as line prompts. It does not use huh's
// accessible form, which asks every field of every group: it ignores
// hidden groups, never evaluates OptionsFunc, TitleFunc or DescriptionFunc,
// and drops validation errors. Instead each visible page's fields are
// built when the page comes up and run one by one.
func (w *wizard) runAccessible(ctx context.Context) error {
	p := &prompter{out: w.opts.Out, in: w.in}
	shown := "" // pages that continue a topic share its title
	for _, s := range w.sections() {
		if s.hidden != nil && s.hidden() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("wizard: %w", err)
		}
		if s.title != "" && s.title != shown {
			p.println("")
			p.println("== " + s.title + " ==")
			if s.desc != "" {
				p.println(s.desc)
			}
		}
		shown = s.title
		if s.askAccessible != nil {
			if err := s.askAccessible(ctx, p); err != nil {
				return err
			}
			continue
		}
		for _, build := range s.items(true) {
			if err := p.ask(ctx, build()); err != nil {
				return err
			}
		}
	}
	return nil
}

// prompter runs accessible fields on one input.
type prompter struct {
	out io.Writer
	in  *lineReader
}

func (p *prompter) println(s string) { _, _ = fmt.Fprintln(p.out, s) }

// ask runs one field until its finish check passes. The context is only
// checked between prompts: a prompt blocked on a read cannot be cancelled.
func (p *prompter) ask(ctx context.Context, it item) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("wizard: %w", err)
		}
		if it.intro != "" {
			p.println(it.intro)
		}
		before := p.in.lines
		_ = it.field.Init()
		_ = it.field.Focus()
		if err := p.run(it.field); err != nil {
			return err
		}
		// huh takes the default when input ends; a prompt that got no
		// line at all means the user closed the input.
		_, isNote := it.field.(*huh.Note)
		if !isNote && p.in.err != nil && p.in.lines == before {
			if errors.Is(p.in.err, io.EOF) {
				return fmt.Errorf("%w: input ended", ErrAborted)
			}
			return fmt.Errorf("wizard: read input: %w", p.in.err)
		}
		p.println("")
		if it.finish == nil {
			return nil
		}
		err := it.finish()
		if err == nil {
			return nil
		}
		p.println(err.Error())
	}
}

// run runs one accessible field. huh v1.0.0's Select indexes its options
// with the number read, and when the input ends without a default that
// number is 0 and the Select panics; a panic after the input ended is
// therefore the user closing the input, and any other panic is a bug.
func (p *prompter) run(f huh.Field) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if p.in.err == nil {
				panic(v)
			}
			err = fmt.Errorf("%w: input ended", ErrAborted)
		}
	}()
	if err := f.RunAccessible(p.out, p.in); err != nil {
		return fmt.Errorf("wizard: %w", err)
	}
	return nil
}

// lineReader hands out at most one line per Read. huh's accessible prompts
// wrap the reader in a new bufio.Scanner for every prompt, and a scanner
// that read ahead would take the lines meant for the next prompts with it.
type lineReader struct {
	r     *bufio.Reader
	buf   []byte
	lines int   // lines handed out so far
	err   error // the read error that ended the input, usually io.EOF
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReader(r)}
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.buf) == 0 {
		if l.err != nil {
			return 0, l.err
		}
		line, err := l.r.ReadBytes('\n')
		if err != nil {
			l.err = err
		}
		if len(line) == 0 {
			return 0, l.err
		}
		l.buf = line
		l.lines++
	}
	n := copy(p, l.buf)
	l.buf = l.buf[n:]
	return n, nil
}
