// Package i18n holds every user-facing string in zh-CN and en, loaded from
// web/locales, and picks the language for a request.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Supported languages; the first is the fallback.
var Supported = []string{"en", "zh-CN"}

// Catalog maps language → key → text.
type Catalog struct {
	messages map[string]map[string]string
}

// Load reads <lang>.json for every supported language from fsys and checks
// that each language has exactly the same keys, so no page is half-translated.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}}
	for _, lang := range Supported {
		b, err := fs.ReadFile(fsys, lang+".json")
		if err != nil {
			return nil, fmt.Errorf("load locale %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("load locale %s: %w", lang, err)
		}
		c.messages[lang] = m
	}
	base := c.messages[Supported[0]]
	for _, lang := range Supported[1:] {
		if missing := diff(base, c.messages[lang]); len(missing) > 0 {
			return nil, fmt.Errorf("locale %s lacks %v", lang, missing)
		}
		if extra := diff(c.messages[lang], base); len(extra) > 0 {
			return nil, fmt.Errorf("locale %s lacks %v", Supported[0], extra)
		}
	}
	return c, nil
}

func diff(a, b map[string]string) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// T returns the text for key in lang, formatted with args; an unknown key
// comes back as itself so a missing string is visible, not blank.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.messages[lang]
	if !ok {
		m = c.messages[Supported[0]]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is a known message.
func (c *Catalog) Has(key string) bool {
	_, ok := c.messages[Supported[0]][key]
	return ok
}

// Negotiate picks the language: the user's setting, then ?lang=, then the
// browser's Accept-Language, then English.
func Negotiate(userSetting, query, acceptLanguage string) string {
	for _, v := range []string{userSetting, query} {
		if l := Match(v); l != "" {
			return l
		}
	}
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := Match(tag); l != "" {
			return l
		}
	}
	return Supported[0]
}

// Match maps a language tag to a supported language: any Chinese → zh-CN.
func Match(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case t == "":
		return ""
	case t == "zh" || strings.HasPrefix(t, "zh-") || strings.HasPrefix(t, "zh_"):
		return "zh-CN"
	case t == "en" || strings.HasPrefix(t, "en-") || strings.HasPrefix(t, "en_"):
		return "en"
	}
	return ""
}
