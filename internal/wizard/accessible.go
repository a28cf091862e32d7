package wizard

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// Accessible mode asks with plain line prompts of its own rather than
// huh's: huh v1.0.0 writes its accessible prompts in English only ("Enter
// a number between…", "[y/N]", and refuses "j" as invalid input), ignores
// hidden groups and dynamic options, and cannot report the end of input.
// These prompts speak the wizard's language, accept j/ja and y/yes, and
// treat the end of input as the user leaving.

// runAccessible asks the visible pages as line prompts, building each
// page's questions when it comes up, so their titles can show the answers
// given so far.
func (w *wizard) runAccessible(ctx context.Context) error {
	p := w.prompter()
	shown := "" // pages that continue a topic share its title
	for _, s := range w.sections() {
		if s.hidden != nil && s.hidden() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return i18n.Wrap(txt.Cancelled, err)
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
			if err := p.run(ctx, build()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *wizard) prompter() *prompter {
	return &prompter{out: w.opts.Out, in: w.in, lang: w.opts.Lang}
}

// prompter asks line prompts on one input.
type prompter struct {
	out  io.Writer
	in   *bufio.Reader
	lang string
}

func (p *prompter) println(s string) { _, _ = fmt.Fprintln(p.out, s) }

func (p *prompter) say(t i18n.Text) string { return t.In(p.lang) }

// run asks one question, after its intro.
func (p *prompter) run(ctx context.Context, it item) error {
	if err := ctx.Err(); err != nil {
		return i18n.Wrap(txt.Cancelled, err)
	}
	if it.intro != "" {
		p.println(it.intro)
	}
	err := it.ask(p)
	p.println("")
	return err
}

// readLine prints prompt and reads one line without its line break. The
// end of input before any text is the user leaving the wizard.
func (p *prompter) readLine(prompt string) (string, error) {
	_, _ = fmt.Fprint(p.out, prompt)
	line, err := p.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		p.println("")
		if errors.Is(err, io.EOF) {
			return "", i18n.Wrap(txt.InputEnded, ErrAborted)
		}
		return "", fmt.Errorf("wizard: read input: %w", err)
	}
	return strings.TrimSpace(line), nil
}

// text asks for a line of text until check accepts it; an empty line
// keeps current.
func (p *prompter) text(prompt, current string, check func(string) error) (string, error) {
	for {
		s, err := p.readLine(prompt + " ")
		if err != nil {
			return "", err
		}
		if s == "" {
			s = current
		}
		if err := check(s); err != nil {
			p.println(i18n.Message(err, p.lang))
			continue
		}
		return s, nil
	}
}

// choose asks for one of labels by number; an empty line takes def (an
// index, or -1 for none).
func (p *prompter) choose(title string, labels []string, def int) (int, error) {
	p.println(title)
	for i, l := range labels {
		p.println(fmt.Sprintf("%d. %s", i+1, l))
	}
	prompt := p.say(txt.AskNumber.Format(len(labels)))
	if def >= 0 {
		prompt = p.say(txt.AskNumberDefault.Format(len(labels), def+1))
	}
	for {
		s, err := p.readLine(prompt)
		if err != nil {
			return 0, err
		}
		if s == "" && def >= 0 {
			return def, nil
		}
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		if len(labels) == 1 {
			p.println(p.say(txt.AskOnlyOne))
		} else {
			p.println(p.say(txt.AskInvalidNumber.Format(1, len(labels))))
		}
	}
}

// chooseMany lets the user toggle values (shown as labels) by number
// until 0 (or an empty line) takes the selection that check accepts. It
// returns the values chosen, in the order of choice, after those of
// chosen that stay.
func (p *prompter) chooseMany(title string, values, labels []string, chosen []string, check func([]string) error) ([]string, error) {
	sel := slices.Clone(chosen)
	p.println(title)
	for {
		for i, l := range labels {
			mark := "[ ]"
			if slices.Contains(sel, values[i]) {
				mark = "[x]"
			}
			p.println(fmt.Sprintf("%d. %s %s", i+1, mark, l))
		}
		s, err := p.readLine(p.say(txt.AskToggle.Format(len(labels))))
		if err != nil {
			return nil, err
		}
		n, convErr := strconv.Atoi(s)
		switch {
		case s == "" || convErr == nil && n == 0:
			if err := check(sel); err != nil {
				p.println(i18n.Message(err, p.lang))
				continue
			}
			return sel, nil
		case convErr == nil && n >= 1 && n <= len(labels):
			if i := slices.Index(sel, values[n-1]); i >= 0 {
				sel = slices.Delete(sel, i, i+1)
			} else {
				sel = append(sel, values[n-1])
			}
		default:
			p.println(p.say(txt.AskInvalidNumber.Format(0, len(labels))))
		}
		p.println("")
	}
}

// confirm asks a yes-or-no question; an empty line takes def. Both
// languages' words count: j, ja, y, yes, n, nein, no.
func (p *prompter) confirm(title string, def bool) (bool, error) {
	d := txt.No
	if def {
		d = txt.Yes
	}
	for {
		s, err := p.readLine(title + " " + p.say(txt.AskYesNo.Format(p.say(d))))
		if err != nil {
			return false, err
		}
		switch strings.ToLower(s) {
		case "":
			return def, nil
		case "j", "ja", "y", "yes":
			return true, nil
		case "n", "nein", "no":
			return false, nil
		}
		p.println(p.say(txt.AskInvalidYesNo))
	}
}
