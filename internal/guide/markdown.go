package guide

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/glamour"
)

// Markdown returns the guide as one Markdown document. Links between
// sections point to anchors named by the section ids; the interplay is a
// Mermaid block followed by its text alternative.
func (doc *Doc) Markdown() string { return doc.markdown(true) }

// markdown writes the document; anchors adds an HTML anchor before each
// section, which GitHub and GitLab honour and a terminal cannot show.
func (doc *Doc) markdown(anchors bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", doc.Title)
	for _, s := range doc.Sections {
		if anchors {
			fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n", s.ID)
		}
		fmt.Fprintf(&b, "\n## %s\n\n", s.Title)
		writeBody(&b, s.Body)
		if s.Diagram != nil {
			fmt.Fprintf(&b, "```mermaid\n%s```\n\n", s.Diagram.Mermaid())
			fmt.Fprintf(&b, "%s:\n\n%s\n", doc.labels("text_alternative"), s.Diagram.TextAlternative())
		}
		for _, p := range s.Parts {
			fmt.Fprintf(&b, "### %s\n\n", p.Title)
			writeBody(&b, p.Body)
		}
	}
	fmt.Fprintf(&b, "---\n\n%s\n", doc.Footer)
	return b.String()
}

func writeBody(b *strings.Builder, body string) {
	if body = strings.TrimSpace(body); body != "" {
		b.WriteString(body)
		b.WriteString("\n\n")
	}
}

// Terminal renders the guide for a terminal of the given width. style is
// a glamour standard style: "dark", "light", "notty" (plain, for pipes
// and tests) or "auto" (detect the terminal's background).
func (doc *Doc) Terminal(style string, width int) (string, error) {
	opt := glamour.WithStandardStyle(style)
	if style == "auto" {
		opt = glamour.WithAutoStyle()
	}
	r, err := glamour.NewTermRenderer(opt, glamour.WithWordWrap(width))
	if err != nil {
		return "", fmt.Errorf("guide: terminal renderer: %w", err)
	}
	// The terminal shows the text alternative; a Mermaid block would be
	// noise there.
	plain := *doc
	plain.Sections = make([]Section, len(doc.Sections))
	for i, s := range doc.Sections {
		if s.Diagram != nil {
			s.Body += "\n\n" + s.Diagram.TextAlternative()
			s.Diagram = nil
		}
		plain.Sections[i] = s
	}
	out, err := r.Render(plain.markdown(false))
	if err != nil {
		return "", fmt.Errorf("guide: render for the terminal: %w", err)
	}
	return out, nil
}
