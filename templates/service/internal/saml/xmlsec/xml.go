package xmlsec

import "github.com/beevik/etree"

// Child is el's first child element named tag in namespace ns (resolved
// through the prefixes in scope, so a look-alike in another namespace is
// skipped); nil if there is none or el is nil.
func Child(el *etree.Element, ns, tag string) *etree.Element {
	if c := Children(el, ns, tag); len(c) > 0 {
		return c[0]
	}
	return nil
}

// Children are el's child elements named tag in namespace ns.
func Children(el *etree.Element, ns, tag string) []*etree.Element {
	if el == nil {
		return nil
	}
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}
