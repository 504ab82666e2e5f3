package search

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// ErrBadCursor is returned for a cursor this package did not make.
var ErrBadCursor = errors.New("search: bad cursor")

// MaxOffset bounds deep paging; Meilisearch's default maxTotalHits is 1000.
const MaxOffset = 1000

// EncodeCursor makes the opaque next-page cursor for an offset.
func EncodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// DecodeCursor reads a cursor; "" is the first page.
func DecodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, ErrBadCursor
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	if err != nil || !strings.HasPrefix(string(b), "o:") || n < 0 || n > MaxOffset {
		return 0, ErrBadCursor
	}
	return n, nil
}

// NextCursor is the cursor after a page, or nil when it was the last.
func NextCursor(offset, limit, got, total int) *string {
	next := offset + got
	if got < limit || next >= total || next > MaxOffset {
		return nil
	}
	c := EncodeCursor(next)
	return &c
}

// Paging reads a list's cursor and limit (0 means DefaultLimit, else 1 to
// 100) into a query, adding what is wrong with them to fields.
func Paging(cursor string, limit int, fields map[string]string) Query {
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 1 || limit > 100:
		fields["limit"] = "out_of_range"
	}
	offset, err := DecodeCursor(cursor)
	if err != nil {
		fields["cursor"] = "cursor_invalid"
	}
	return Query{Offset: offset, Limit: limit}
}
