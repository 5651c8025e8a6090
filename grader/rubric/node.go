package rubric

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// This file reads yaml.Node trees: mappings with their merge keys, aliases, and what a
// node is in words for messages.

// nodeMap is a decoded YAML mapping: its node and, by key, the key and value nodes.
type nodeMap struct {
	node *yaml.Node
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
	// order lists the keys in the order they appear (merged keys last).
	order []string
}

// has reports whether key is present.
func (m *nodeMap) has(key string) bool {
	if m == nil {
		return false
	}
	_, ok := m.vals[key]
	return ok
}

// at returns the value node of key, else the mapping's own node (the best position for a
// missing key), else nil.
func (m *nodeMap) at(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	if v, ok := m.vals[key]; ok {
		return v
	}
	return m.node
}

// keyAt returns the key node of key, else the mapping's own node.
func (m *nodeMap) keyAt(key string) *yaml.Node {
	if m == nil {
		return nil
	}
	if k, ok := m.keys[key]; ok {
		return k
	}
	return m.node
}

// resolve follows aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe says what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return strconv.Quote(n.Value)
		case "!!null":
			return "an empty value"
		case "!!bool":
			return n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!timestamp":
			return "the time " + n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// mapping decodes n as a mapping whose keys must be among allowed (any key when allowed is
// nil). Duplicate keys, non-string keys and unknown keys are recorded; merge keys (<<: *x)
// are honoured. The result is never nil; its maps are empty when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, ctx, path string, allowed []string) *nodeMap {
	n = resolve(n)
	m := &nodeMap{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		what := "a mapping (key: value)"
		if path == "" && ctx == "" {
			what = "a mapping (key: value lines) starting with \"optgrade: 1\""
		}
		d.errorf(n, joinCtx(ctx, path), "want %s, got %s", what, describe(n))
		return m
	}
	prefix := joinCtx(ctx, path)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		d.mappingPair(m, k, v, prefix, allowed, false)
	}
	// Merged mappings (<<: *x or <<: [*x, *y]) give the keys not set explicitly.
	for _, v := range merges {
		v = resolve(v)
		srcs := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			srcs = v.Content
		}
		for _, s := range srcs {
			s = resolve(s)
			if s.Kind != yaml.MappingNode {
				d.errorf(s, prefix, "<<: want a mapping to merge, got %s", describe(s))
				continue
			}
			for i := 0; i+1 < len(s.Content); i += 2 {
				d.mappingPair(m, s.Content[i], s.Content[i+1], prefix, allowed, true)
			}
		}
	}
	return m
}

func (d *decoder) mappingPair(m *nodeMap, k, v *yaml.Node, prefix string, allowed []string, merged bool) {
	k = resolve(k)
	if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
		d.errorf(k, prefix, "want a key name, got %s", describe(k))
		return
	}
	name := k.Value
	if prev, dup := m.keys[name]; dup {
		if !merged {
			d.errorf(k, prefix, "duplicate key %q (first at line %d)", name, prev.Line)
		}
		return
	}
	if allowed != nil && !contains(allowed, name) {
		d.errorf(k, prefix, "unknown key %q%s", name, suggestKeys(name, allowed))
		return
	}
	m.keys[name], m.vals[name] = k, v
	m.order = append(m.order, name)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// peek returns the value of key in mapping n when it is a non-empty scalar, else "";
// it records nothing (the id of a task and the name of a check are read first, to name them
// in the messages about the rest).
func peek(n *yaml.Node, key string) string {
	return peekDepth(n, key, 0)
}

func peekDepth(n *yaml.Node, key string, depth int) string {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 10 {
		return ""
	}
	var merges []*yaml.Node
	for j := 0; j+1 < len(n.Content); j += 2 {
		k := n.Content[j]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, n.Content[j+1])
			continue
		}
		if k.Kind == yaml.ScalarNode && k.Value == key {
			if v := resolve(n.Content[j+1]); v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
				return v.Value
			}
			return ""
		}
	}
	for _, m := range merges {
		m = resolve(m)
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			if v := peekDepth(src, key, depth+1); v != "" {
				return v
			}
		}
	}
	return ""
}
