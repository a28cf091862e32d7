package guide

import (
	"fmt"
	"html"
	"slices"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
)

// Diagram is the interplay of the components as a sequence of arrows
// between the parties, made from the guide data and the catalog.
type Diagram struct {
	Title  string
	Actors []DiagramActor // only those some arrow touches, in data order
	Arrows []Arrow
}

// DiagramActor is one party of the diagram.
type DiagramActor struct{ ID, Name string }

// Arrow is one message: what goes from one party to another and under
// which standard (the catalog component's name) in which version.
type Arrow struct {
	From, To          string // actor ids
	What              string
	Standard, Version string
	Component         string // catalog id
}

// Diagram returns the interplay of the given components of rel: the flows
// of the data whose component is among them.
func (d *Data) Diagram(rel *catalog.Release, components []string, lang string) *Diagram {
	dg := &Diagram{Title: d.label("interplay", lang)}
	used := map[string]bool{}
	for _, f := range d.Flows {
		c, ok := rel.Component(f.Component)
		if !ok || !slices.Contains(components, f.Component) {
			continue
		}
		dg.Arrows = append(dg.Arrows, Arrow{
			From: f.From, To: f.To, What: f.What.In(lang),
			Standard: c.Name, Version: c.Version, Component: c.ID,
		})
		used[f.From], used[f.To] = true, true
	}
	for _, a := range d.Actors {
		if used[a.ID] {
			dg.Actors = append(dg.Actors, DiagramActor{a.ID, a.Name.In(lang)})
		}
	}
	return dg
}

func (dg *Diagram) name(id string) string {
	for _, a := range dg.Actors {
		if a.ID == id {
			return a.Name
		}
	}
	return id
}

func (a Arrow) label() string { return a.Standard + " · " + a.Version }

// Mermaid returns the diagram as a Mermaid sequence diagram.
func (dg *Diagram) Mermaid() string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	for _, a := range dg.Actors {
		fmt.Fprintf(&b, "    participant %s as %s\n", a.ID, mermaidText(a.Name))
	}
	for _, a := range dg.Arrows {
		fmt.Fprintf(&b, "    %s->>%s: %s [%s]\n", a.From, a.To, mermaidText(a.What), mermaidText(a.label()))
	}
	return b.String()
}

// mermaidText keeps a text from ending a Mermaid statement early.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "#", "", "\n", " ").Replace(s)
}

// TextAlternative returns the diagram as a numbered Markdown list, the
// readable form for screen readers and plain text.
func (dg *Diagram) TextAlternative() string {
	var b strings.Builder
	for i, a := range dg.Arrows {
		fmt.Fprintf(&b, "%d. %s → %s: %s (%s)\n", i+1, dg.name(a.From), dg.name(a.To), a.What, a.label())
	}
	return b.String()
}

// Layout of the SVG: one column per actor, one row per arrow.
const (
	svgColumn = 150 // width of an actor's column
	svgTop    = 60  // height of the actor boxes' band
	svgRow    = 56  // height of one arrow's row
	svgFont   = 13
)

// SVG returns the diagram as a standalone SVG element with a title and a
// description naming every arrow, so that it is accessible by itself.
// id makes its title and description ids unique on a page.
func (dg *Diagram) SVG(id string) string {
	width := svgColumn * max(len(dg.Actors), 1)
	height := svgTop + svgRow*len(dg.Arrows) + 20
	col := map[string]int{}
	for i, a := range dg.Actors {
		col[a.ID] = i*svgColumn + svgColumn/2
	}
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title %s-desc" font-family="sans-serif" font-size="%d">`+"\n",
		width, height, id, id, svgFont)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`+"\n", id, esc(dg.Title))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`+"\n", id, esc(strings.ReplaceAll(strings.TrimSpace(dg.TextAlternative()), "\n", " ")))
	b.WriteString(`<defs><marker id="` + id + `-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1a1a1a"/></marker></defs>` + "\n")
	for _, a := range dg.Actors {
		x := col[a.ID]
		fmt.Fprintf(&b, `<rect x="%d" y="8" width="%d" height="40" rx="4" fill="#e8eef7" stroke="#1a1a1a"/>`+"\n", x-svgColumn/2+6, svgColumn-12)
		lines := wrap(a.Name, 18)
		for j, l := range lines {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#1a1a1a">%s</text>`+"\n", x, 33+16*j-8*(len(lines)-1), esc(l))
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="48" x2="%d" y2="%d" stroke="#6b6b6b" stroke-dasharray="4 4"/>`+"\n", x, x, height-8)
	}
	for i, a := range dg.Arrows {
		y := svgTop + svgRow*i + 40
		x1, x2 := col[a.From], col[a.To]
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1a1a1a" stroke-width="1.5" marker-end="url(#%s-arrow)"/>`+"\n", x1, y, x2, y, id)
		// Labels run from the arrow's left end to the right, or from its
		// right end to the left in the right half, so they stay inside.
		lx, anchor := min(x1, x2)+6, "start"
		if min(x1, x2) > width/2 {
			lx, anchor = max(x1, x2)-6, "end"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="%s" fill="#1a1a1a">%d. %s</text>`+"\n", lx, y-22, anchor, i+1, esc(a.What))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="%s" fill="#3d3d3d" font-size="%d">%s</text>`+"\n", lx, y-7, anchor, svgFont-2, esc(a.label()))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// wrap breaks s into lines of at most n runes at spaces, at most two
// lines; a longer rest is cut with an ellipsis (the full name is in the
// description and the text alternative).
func wrap(s string, n int) []string {
	var lines []string
	for _, w := range strings.Fields(s) {
		last := len(lines) - 1
		switch {
		case last >= 0 && len([]rune(lines[last]))+1+len([]rune(w)) <= n:
			lines[last] += " " + w
		case len(lines) == 2:
			lines[1] += " " + w
		default:
			lines = append(lines, w)
		}
	}
	for i, l := range lines {
		if r := []rune(l); len(r) > n {
			lines[i] = string(r[:n-1]) + "…"
		}
	}
	return lines
}
