package commerce_test

import (
	"strings"
	"testing"

	"guildhall/internal/problem"
)

func TestPackingSlipsAreTheMakersOrdersInFullAndNoOneElses(t *testing.T) {
	e := mustOpen(t)
	fan, potter, tanner := e.user("fan"), e.maker("potter"), e.maker("tanner")
	first, _ := e.order(fan, potter, "offline", 1)
	second, _ := e.order(fan, potter, "offline", 2)
	elsewhere, _ := e.order(fan, tanner, "offline", 1)

	slips, err := e.c.PackingSlips(e.ctx, potter, []string{second.ID, first.ID, second.ID})
	if err != nil || len(slips) != 2 || slips[0].ID != second.ID || slips[1].ID != first.ID {
		t.Fatalf("%d slips %v, want the two in the order asked, once each", len(slips), err)
	}
	if slips[0].ShippingAddress.Line1 == "" || slips[0].Lines[0].Quantity != 2 {
		t.Errorf("a slip lacks the address or the lines: %+v", slips[0])
	}
	if _, err := e.c.PackingSlips(e.ctx, potter, []string{first.ID, elsewhere.ID}); kind(err) != problem.KindNotFound {
		t.Errorf("another maker's order: %v", err)
	}
	if _, err := e.c.PackingSlips(e.ctx, potter, []string{"nosuchorder"}); kind(err) != problem.KindNotFound {
		t.Errorf("an unknown order: %v", err)
	}
	if _, err := e.c.PackingSlips(e.ctx, potter, nil); kind(err) != problem.KindInvalid {
		t.Errorf("no order: %v", err)
	}
	if _, err := e.c.PackingSlips(e.ctx, potter, strings.Split(strings.Repeat("x,", 51), ",")); kind(err) != problem.KindInvalid {
		t.Errorf("more than a page: %v", err)
	}
}
