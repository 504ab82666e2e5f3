package meili

import (
	"fmt"
	"strconv"
	"strings"
)

// Meilisearch document ids may only hold ASCII letters, digits, '-' and '_',
// but Guildhall ids such as "<follower>:<maker>" use ':'. encodeID keeps
// letters, digits and '-' and writes every other byte as "_XX" (hex), so
// ordinary ids pass unchanged and the mapping is reversible.
func encodeID(id string) string {
	if !needsEncoding(id) {
		return id
	}
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if plainIDByte(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02X", c)
		}
	}
	return b.String()
}

func decodeID(s string) (string, error) {
	if !strings.Contains(s, "_") {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("bad encoded id %q", s)
		}
		c, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad encoded id %q: %w", s, err)
		}
		out = append(out, byte(c))
		i += 2
	}
	return string(out), nil
}

func needsEncoding(id string) bool {
	for i := 0; i < len(id); i++ {
		if !plainIDByte(id[i]) {
			return true
		}
	}
	return false
}

func plainIDByte(c byte) bool {
	return c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
