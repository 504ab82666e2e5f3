package problem

import "testing"

func TestTextFault(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain text", "A cup, 手工", ""},
		{"newlines and tabs in a body", "line one\n\tline two\r\n", ""},
		{"nothing", "", ""},
		{"emoji and marks", "🍵 naïve 汉字 ‎", ""}, // U+200E, a mark, not an override
		{"a NUL", "a\x00b", "control_characters"},
		{"a bell", "a\x07b", "control_characters"},
		{"an escape", "\x1b[31mred", "control_characters"},
		{"DEL", "a\x7fb", "control_characters"},
		{"a C1 control", "a\u0085b", "control_characters"},
		{"another C1 control", "a\u009bb", "control_characters"},
		{"right-to-left override", "invoice\u202Efdp.exe", "bidi_override"},
		{"left-to-right embedding", "\u202Aa", "bidi_override"},
		{"first strong isolate", "a\u2068b", "bidi_override"},
		{"pop directional isolate", "a\u2069", "bidi_override"},
		{"a lone continuation byte", "a\x80b", "invalid_utf8"},
		{"a cut sequence", "汉"[:2], "invalid_utf8"},
		{"an overlong slash", "\xc0\xaf", "invalid_utf8"},
		{"a surrogate", "\xed\xa0\x80", "invalid_utf8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := TextFault(tc.in); got != tc.want {
				t.Errorf("TextFault(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
