package i18n

import (
	"testing"
	"testing/fstest"
)

func TestTheLanguageIsTheUsersThenTheQueryThenTheBrowsers(t *testing.T) {
	cases := []struct{ user, query, accept, want string }{
		{"", "", "", "en"},
		{"", "", "zh-TW,zh;q=0.9,en;q=0.8", "zh-CN"},
		{"", "", "fr-FR, en-GB;q=0.8", "en"},
		{"", "zh-CN", "en-US", "zh-CN"},
		{"en", "zh-CN", "zh-CN", "en"},
		{"", "klingon", "zh", "zh-CN"},
	}
	for _, c := range cases {
		if got := Negotiate(c.user, c.query, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", c.user, c.query, c.accept, got, c.want)
		}
	}
}

func TestALocaleMissingAKeyIsRefusedAtStart(t *testing.T) {
	fsys := fstest.MapFS{
		"en.json":    {Data: []byte(`{"a": "A", "b": "B"}`)},
		"zh-CN.json": {Data: []byte(`{"a": "甲"}`)},
	}
	if _, err := Load(fsys); err == nil {
		t.Fatal("want an error naming the missing key b")
	}
}

func TestAnUnknownKeyShowsItself(t *testing.T) {
	fsys := fstest.MapFS{
		"en.json":    {Data: []byte(`{"hello": "Hello, %s"}`)},
		"zh-CN.json": {Data: []byte(`{"hello": "你好，%s"}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("zh-CN", "hello", "小明"); got != "你好，小明" {
		t.Errorf("got %q", got)
	}
	if got := c.T("en", "nope"); got != "nope" {
		t.Errorf("got %q", got)
	}
}
