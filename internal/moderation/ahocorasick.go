package moderation

import "slices"

// phraseMatcher finds every occurrence of a set of phrases in one pass over
// the text (Aho–Corasick over bytes), so the cost of a post does not grow
// with the size of the lexicon, and a post built of repetitions stays linear.
type phraseMatcher struct {
	root  [256]int32 // the root's transitions, dense: most bytes of a post leave the root at once
	nodes []acNode
	edges []acEdge // each node's edges, sorted by byte
}

type acNode struct {
	edgesLo, edgesHi int32
	fail             int32
	outLink          int32   // the nearest node down the fail chain that ends a phrase, or -1
	outs             []int32 // the phrases ending here
	depth            int32
}

type acEdge struct {
	b    byte
	node int32
}

// newPhraseMatcher builds a matcher of phrases; matches report the index of the phrase.
func newPhraseMatcher(phrases []string) *phraseMatcher {
	type building struct {
		kids []acEdge // few per node: found by a linear search
		outs []int32
	}
	tree := []building{{}}
	depth := []int32{0}
	for i, p := range phrases {
		n := int32(0)
		for j := 0; j < len(p); j++ {
			k := int32(-1)
			for _, e := range tree[n].kids {
				if e.b == p[j] {
					k = e.node
					break
				}
			}
			if k < 0 {
				k = int32(len(tree))
				tree = append(tree, building{})
				depth = append(depth, depth[n]+1)
				tree[n].kids = append(tree[n].kids, acEdge{p[j], k})
			}
			n = k
		}
		tree[n].outs = append(tree[n].outs, int32(i))
	}
	m := &phraseMatcher{nodes: make([]acNode, len(tree))}
	for i, t := range tree {
		slices.SortFunc(t.kids, func(a, b acEdge) int { return int(a.b) - int(b.b) })
		lo := int32(len(m.edges))
		m.edges = append(m.edges, t.kids...)
		m.nodes[i] = acNode{edgesLo: lo, edgesHi: int32(len(m.edges)), outs: t.outs, outLink: -1, depth: depth[i]}
	}
	for b := range m.root {
		m.root[b] = m.child(0, byte(b))
		if m.root[b] < 0 {
			m.root[b] = 0
		}
	}
	// Breadth first, so a node's fail link is set before its children's.
	queue := []int32{}
	for _, e := range m.edges[m.nodes[0].edgesLo:m.nodes[0].edgesHi] {
		m.nodes[e.node].fail = 0
		queue = append(queue, e.node)
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, e := range m.edges[m.nodes[n].edgesLo:m.nodes[n].edgesHi] {
			f := m.nodes[n].fail
			for f != 0 && m.child(f, e.b) < 0 {
				f = m.nodes[f].fail
			}
			if k := m.step(f, e.b); k != e.node {
				m.nodes[e.node].fail = k
			}
			if fl := m.nodes[e.node].fail; len(m.nodes[fl].outs) > 0 {
				m.nodes[e.node].outLink = fl
			} else {
				m.nodes[e.node].outLink = m.nodes[fl].outLink
			}
			queue = append(queue, e.node)
		}
	}
	return m
}

func (m *phraseMatcher) child(n int32, b byte) int32 {
	lo, hi := m.nodes[n].edgesLo, m.nodes[n].edgesHi
	for lo < hi {
		mid := (lo + hi) / 2
		switch c := m.edges[mid].b; {
		case c == b:
			return m.edges[mid].node
		case c < b:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return -1
}

// step follows b from n, through fail links as needed.
func (m *phraseMatcher) step(n int32, b byte) int32 {
	for n != 0 {
		if k := m.child(n, b); k >= 0 {
			return k
		}
		n = m.nodes[n].fail
	}
	return m.root[b]
}

// each calls found with the phrase index and the span of every match in s, in order of their ends.
func (m *phraseMatcher) each(s string, found func(phrase, lo, hi int)) {
	n := int32(0)
	for i := 0; i < len(s); i++ {
		n = m.step(n, s[i])
		for o := n; o > 0; o = m.nodes[o].outLink {
			for _, p := range m.nodes[o].outs {
				found(int(p), i+1-int(m.nodes[o].depth), i+1)
			}
		}
	}
}
