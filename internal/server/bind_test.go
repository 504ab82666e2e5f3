package server

import "testing"

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ name, next, want string }{
		{"a path of this site", "/works/w1/a-cup?page=2#reviews", "/works/w1/a-cup?page=2#reviews"},
		{"the home page", "/", "/"},
		{"a Chinese path", "/search?q=陶瓷", "/search?q=陶瓷"},
		{"nothing", "", "/"},
		{"a tab, which browsers drop", "/\t/evil.example/x", "/"},
		{"a tab decoded from the URL", "/%09/evil.example/x", "/"},
		{"a newline", "/\n/evil.example", "/"},
		{"a newline decoded", "/%0a/evil.example", "/"},
		{"a carriage return", "/\r/evil.example", "/"},
		{"a space", "/ /evil.example", "/"},
		{"a slash and a backslash", "/\\evil.example", "/"},
		{"a backslash and a slash", "\\/evil.example", "/"},
		{"a backslash decoded", "/%5cevil.example", "/"},
		{"two slashes", "//evil.example", "/"},
		{"two slashes after decoding", "/%2f%2fevil.example", "/"},
		{"two slashes after decoding, upper case", "/%2F/evil.example", "/"},
		{"encoded slashes alone", "%2f%2fevil.example", "/"},
		{"a scheme", "https://evil.example", "/"},
		{"a bare scheme", "https:evil.example", "/"},
		{"javascript", "javascript:alert(1)", "/"},
		{"a relative path", "evil.example", "/"},
		{"a NUL", "/\x00/evil.example", "/"},
		{"a C1 control", "/\u0085/evil.example", "/"},
		{"an ideographic space", "/\u3000/evil.example", "/"},
		{"broken UTF-8", "/\xff/evil.example", "/"},
		{"a user before a host", "/@evil.example", "/@evil.example"}, // a path on this site: a maker's page
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := safeNext(tc.next); got != tc.want {
				t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
			}
		})
	}
}
