package server

import (
	"strings"
	"time"

	"guildhall/internal/problem"
)

// The order desk page and the shop API read the same export filters and
// write the same kind of cells, so both use these.

// exportDay reads from or to: a day (2006-01-02, to taking all of it) or
// an RFC 3339 instant.
func exportDay(v, field string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, problem.InvalidField(field, "date_format")
	}
	if end {
		t = t.Add(24*time.Hour - time.Millisecond)
	}
	return t, nil
}

// notFormula keeps a buyer's text from being run as a formula when the
// file is opened in a spreadsheet (CSV injection).
func notFormula(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
