package guide

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// siteAssets are the static files of the HTML site: the style sheet and
// the search script, written for ozg-new.
//
//go:embed site/style.css site/search.js
var siteAssets embed.FS

// SearchPage is the site's search page.
const SearchPage = "search.html"

// Site renders the guide as a static HTML site: one page per section, a
// table of contents on every page, and a search page that works offline
// from a small index (search-index.js) and script (search.js). It returns
// file name → content; the site has no directories and no external
// references, so it can be opened from disk.
func (doc *Doc) Site() (map[string][]byte, error) {
	md := newMarkdown()
	files := map[string][]byte{}
	var nav []navItem
	for i, s := range doc.Sections {
		nav = append(nav, navItem{Title: s.Title, Href: pageName(i, s.ID)})
	}
	pages := map[string]bool{}
	for _, n := range nav {
		pages[n.Href] = true
	}
	type entry struct {
		T string `json:"t"` // title
		U string `json:"u"` // URL
		X string `json:"x"` // plain text
	}
	var index []entry
	for i, s := range doc.Sections {
		intro, parts, err := renderSection(md, s, "h2", "", doc.labels("text_alternative"))
		if err != nil {
			return nil, err
		}
		href := nav[i].Href
		var body strings.Builder
		body.WriteString(intro)
		index = append(index, entry{T: s.Title, U: href, X: plainText(intro)})
		for _, p := range parts {
			body.WriteString(p.html)
			index = append(index, entry{T: s.Title + ": " + p.title, U: href + "#" + p.id, X: plainText(p.html)})
		}
		html := sectionLinks(body.String(), doc.Sections)
		page, err := doc.page(s.Title, href, nav, template.HTML(html), false)
		if err != nil {
			return nil, err
		}
		files[href] = page
	}
	search, err := doc.page(doc.labels("search"), SearchPage, nav, "", true)
	if err != nil {
		return nil, err
	}
	files[SearchPage] = search
	js, err := json.Marshal(index)
	if err != nil {
		return nil, fmt.Errorf("guide: search index: %w", err)
	}
	files["search-index.js"] = []byte("// Search index of the guide, written by ozg-new.\nwindow.GUIDE_INDEX = " + string(js) + ";\n")
	for _, name := range []string{"style.css", "search.js"} {
		b, err := siteAssets.ReadFile("site/" + name)
		if err != nil {
			return nil, fmt.Errorf("guide: %w", err)
		}
		files[name] = b
	}
	return files, nil
}

type navItem struct{ Title, Href string }

func newMarkdown() goldmark.Markdown { return goldmark.New(goldmark.WithExtensions(extension.Table)) }

// renderedPart is a part of a section in HTML, with its heading.
type renderedPart struct{ id, title, html string }

// renderSection renders a section's body (and diagram) and its parts to
// HTML. Part headings are tag elements with ids prefix+"p1", … and the
// text alternative's heading has id prefix+"text".
func renderSection(md goldmark.Markdown, s Section, tag, prefix, textAlt string) (string, []renderedPart, error) {
	var body bytes.Buffer
	if err := md.Convert([]byte(s.Body), &body); err != nil {
		return "", nil, fmt.Errorf("guide: render %s: %w", s.ID, err)
	}
	if s.Diagram != nil {
		// The figure scrolls sideways on narrow screens, so it takes the
		// keyboard focus (WCAG 2.1.1).
		body.WriteString("<figure tabindex=\"0\">\n" + s.Diagram.SVG(prefix+"dia-"+s.ID))
		fmt.Fprintf(&body, "<figcaption>%s</figcaption>\n</figure>\n", template.HTMLEscapeString(s.Diagram.Title))
		fmt.Fprintf(&body, "<%s id=\"%stext\">%s</%s>\n", tag, prefix, template.HTMLEscapeString(textAlt), tag)
		if err := md.Convert([]byte(s.Diagram.TextAlternative()), &body); err != nil {
			return "", nil, fmt.Errorf("guide: render %s: %w", s.ID, err)
		}
	}
	var parts []renderedPart
	for j, p := range s.Parts {
		id := fmt.Sprintf("%sp%d", prefix, j+1)
		var b bytes.Buffer
		fmt.Fprintf(&b, "<%s id=\"%s\">%s</%s>\n", tag, id, template.HTMLEscapeString(p.Title), tag)
		if err := md.Convert([]byte(p.Body), &b); err != nil {
			return "", nil, fmt.Errorf("guide: render %s: %w", s.ID, err)
		}
		parts = append(parts, renderedPart{id: id, title: p.Title, html: b.String()})
	}
	return body.String(), parts, nil
}

// Fragment renders the whole guide as one HTML fragment for a page that
// has its own h1: each section a <section> with an h2 whose id is the
// section id, so the Markdown's links between sections work in place.
func (doc *Doc) Fragment() (string, error) {
	md := newMarkdown()
	var b strings.Builder
	for _, s := range doc.Sections {
		intro, parts, err := renderSection(md, s, "h3", s.ID+"-", doc.labels("text_alternative"))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "<section aria-labelledby=\"%s\">\n<h2 id=\"%s\">%s</h2>\n%s", s.ID, s.ID, template.HTMLEscapeString(s.Title), intro)
		for _, p := range parts {
			b.WriteString(p.html)
		}
		b.WriteString("</section>\n")
	}
	return b.String(), nil
}

// pageName is the file of the i-th section: the first is the start page.
func pageName(i int, id string) string {
	if i == 0 {
		return "index.html"
	}
	return id + ".html"
}

var sectionLinkRe = regexp.MustCompile(`href="#([a-z0-9-]+)"`)

// sectionLinks turns the Markdown's links to section anchors into links
// to the sections' pages; other anchors stay as they are.
func sectionLinks(html string, sections []Section) string {
	return sectionLinkRe.ReplaceAllStringFunc(html, func(m string) string {
		id := sectionLinkRe.FindStringSubmatch(m)[1]
		for i, s := range sections {
			if s.ID == id {
				return `href="` + pageName(i, id) + `"`
			}
		}
		return m
	})
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// plainText is the text of rendered HTML for the search index.
func plainText(html string) string {
	s := tagRe.ReplaceAllString(html, " ")
	s = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.Site}}</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<a class="skip" href="#main">{{.Skip}}</a>
<header>
<p class="site"><a href="index.html">{{.Site}}</a></p>
<form role="search" action="search.html" method="get">
<label for="q">{{.SearchLabel}}</label>
<input id="q" name="q" type="search">
<button type="submit">{{.SearchButton}}</button>
</form>
</header>
<div class="layout">
<nav aria-label="{{.Contents}}">
<ul>
{{- range .Nav}}
<li><a href="{{.Href}}"{{if eq .Href $.Href}} aria-current="page"{{end}}>{{.Title}}</a></li>
{{- end}}
</ul>
</nav>
<main id="main">
<h1>{{.Title}}</h1>
{{if .Search -}}
<noscript><p>{{.NoScript}}</p></noscript>
<p id="search-status" role="status" data-none="{{.None}}" data-count="{{.Count}}"></p>
<ol id="search-results"></ol>
{{- else -}}
{{.Body}}
{{- end}}
</main>
</div>
<footer><p>{{.Footer}}</p></footer>
{{- if .Search}}
<script src="search-index.js"></script>
<script src="search.js"></script>
{{- end}}
</body>
</html>
`))

func (doc *Doc) page(title, href string, nav []navItem, body template.HTML, search bool) ([]byte, error) {
	var b bytes.Buffer
	err := pageTmpl.Execute(&b, map[string]any{
		"Lang": doc.Lang, "Title": title, "Site": doc.Title, "Href": href, "Nav": nav, "Body": body,
		"Search": search, "Footer": doc.Footer, "Skip": doc.labels("skip"),
		"SearchLabel": doc.labels("search_label"), "SearchButton": doc.labels("search_button"),
		"Contents": doc.labels("contents"), "NoScript": doc.labels("search_noscript"),
		"None": doc.labels("search_none"), "Count": doc.labels("search_count"),
	})
	if err != nil {
		return nil, fmt.Errorf("guide: page %s: %w", href, err)
	}
	return b.Bytes(), nil
}
