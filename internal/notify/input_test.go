package notify_test

import (
	"context"
	"encoding/base64"
	"testing"

	"guildhall/internal/problem"
)

func TestBadCursorAndLimitNameTheField(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 2)
	ctx := context.Background()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		cursor string
		limit  int
		field  string
	}{
		{"", -1, "limit"},
		{"", 101, "limit"},
		{"not a cursor!", 10, "cursor"},
		{b64("n:0"), 10, "cursor"},
		{b64("n:abc"), 10, "cursor"},
		{b64("o:5"), 10, "cursor"},
		{b64("n:-3"), 10, "cursor"},
	}
	for _, c := range cases {
		_, err := r.svc.List(ctx, "bob", c.cursor, c.limit)
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.KindInvalid || p.Fields[c.field] == "" {
			t.Errorf("List(cursor %q, limit %d) = %v; want invalid %s", c.cursor, c.limit, err, c.field)
		}
	}
	// A cursor past the head (the box was read before it grew) is clamped.
	page, err := r.svc.List(ctx, "bob", b64("n:99"), 10)
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("cursor past the head: %+v, %v", page, err)
	}
}

func TestMalformedIDsNameTheField(t *testing.T) {
	r := newRig(t)
	for _, id := range []string{"", "abc", "0", "-1", "01", "1.5", "n1"} {
		err := r.svc.MarkRead(context.Background(), "bob", []string{"1", id})
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.KindInvalid || p.Fields["ids"] == "" {
			t.Errorf("MarkRead(%q) = %v; want invalid ids", id, err)
		}
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "1"
	}
	if p, ok := problem.As(r.svc.MarkRead(context.Background(), "bob", many)); !ok || p.Fields["ids"] == "" {
		t.Errorf("101 ids: want invalid ids")
	}
}
