package commerce_test

import (
	"testing"

	"guildhall/internal/problem"
)

func TestPuttingACartItemAnswersTheCartAsItNowIs(t *testing.T) {
	e := mustOpen(t)
	potter := e.maker("potter")
	bowl := e.work(potter, "Bowl", 12900, 5)
	fan := e.user("fan")
	e.address(fan, "CN")
	v, err := e.c.PutCartItem(e.ctx, fan, bowl.ID, "", 2)
	if err != nil || v.Count != 2 || len(v.Groups) != 1 || v.Groups[0].Lines[0].Quantity != 2 {
		t.Fatalf("after putting two bowls: %+v %v", v, err)
	}
	if g := v.Groups[0]; g.Shipping == nil || g.Total.Amount != g.Subtotal.Amount+g.Shipping.Amount || g.Subtotal.Amount != 25800 {
		t.Errorf("shipping to the first address is priced in: %+v", g)
	}
	v, err = e.c.PutCartItem(e.ctx, e.reread(fan), bowl.ID, "", 1)
	if err != nil || v.Count != 1 {
		t.Fatalf("a second put replaces the quantity: %+v %v", v, err)
	}
	if _, err := e.c.PutCartItem(e.ctx, fan, bowl.ID, "", 0); kind(err) != problem.KindInvalid {
		t.Errorf("a quantity of 0 is refused: %v", err)
	}
	if got := e.reread(fan).CartCount; got != 1 {
		t.Errorf("the header's count is %d, want 1", got)
	}
}
