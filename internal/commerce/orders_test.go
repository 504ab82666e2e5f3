package commerce_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

func TestNotificationsAndSalesMoveOncePerTransition(t *testing.T) {
	e := mustOpen(t)
	fan, potter := e.user("fan"), e.maker("potter")
	unread := func() (int, int) { return e.reread(fan).Unread, e.reread(potter).Unread }
	o, w := e.order(fan, potter, "offline", 3)
	steps := []struct {
		by           string
		action       string
		buyer, maker int // unread after
		sales        int
	}{
		{"", commerce.ActionPlace, 0, 1, 0},
		{"buyer", commerce.ActionPay, 0, 2, 0},
		{"maker", commerce.ActionConfirmPayment, 1, 2, 3},
		{"maker", commerce.ActionShip, 2, 2, 3},
		{"buyer", commerce.ActionReceived, 2, 3, 3},
	}
	for _, s := range steps {
		if s.by != "" {
			who := map[string]*account.User{"buyer": fan, "maker": potter}[s.by]
			e.act(who, o.ID, s.action, commerce.ActInput{Reference: "ref 1", Carrier: "SF", TrackingNumber: "SF1"})
		}
		// Running every effect again (what the repair job does) must not
		// move anything a second time.
		e.markForRepair(o.ID)
		e.clock.Add(11 * time.Minute)
		if _, err := e.c.RepairEvents(e.ctx); err != nil {
			t.Fatal(err)
		}
		b, m := unread()
		if b != s.buyer || m != s.maker || e.sales(w.ID) != s.sales {
			t.Errorf("after %s: unread buyer %d maker %d, sales %d; want %d %d %d", s.action, b, m, e.sales(w.ID), s.buyer, s.maker, s.sales)
		}
	}
	studio, _ := e.app.Makers.ByID(e.ctx, potter.ID)
	if studio.Counts.Sales != 3 {
		t.Errorf("maker's sales %d", studio.Counts.Sales)
	}
}

// markForRepair leaves a repair mark on order id, as a transition that
// stopped half-way does.
func (e *env) markForRepair(id string) {
	e.t.Helper()
	_, err := e.app.DB.Database.Collection(commerce.RepairsCollection).UpdateOne(e.ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"token": "crashed", "at": e.clock.Now()}}, options.UpdateOne().SetUpsert(true))
	e.must(err)
}

func TestAnEventInsertedButNotAppliedIsAppliedByRepair(t *testing.T) {
	e := mustOpen(t)
	fan, potter := e.user("fan"), e.maker("potter")
	o, w := e.order(fan, potter, "offline", 2)
	o = e.act(potter, o.ID, commerce.ActionConfirmPayment, commerce.ActInput{})
	// A ship whose request died after recording its event.
	at := e.clock.Now()
	ev := commerce.Event{ID: o.ID + ":3", OrderID: o.ID, N: 3, At: at, By: commerce.Actor{ID: potter.ID, Handle: potter.Handle, Party: "maker"},
		Action: commerce.ActionShip, From: commerce.StatusPaid, To: commerce.StatusShipped,
		Data: map[string]string{"hold": o.HoldKey, "method": "offline", "carrier": "SF", "tracking_number": "SF42"}}
	e.markForRepair(o.ID)
	_, err := e.app.DB.Database.Collection(commerce.EventsCollection).InsertOne(e.ctx, ev)
	e.must(err)
	if n, _ := e.c.RepairEvents(e.ctx); n != 0 {
		t.Fatalf("repaired a transition that may still be running: %d", n)
	}
	e.clock.Add(11 * time.Minute)
	if n, err := e.c.RepairEvents(e.ctx); err != nil || n != 1 {
		t.Fatalf("repaired %d (%v)", n, err)
	}
	got, _ := e.c.Order(e.ctx, fan, o.ID)
	if got.Status != commerce.StatusShipped || got.Version != 3 || got.Shipment.TrackingNumber != "SF42" || len(got.Timeline()) != 3 {
		t.Fatalf("order %+v", got)
	}
	if s, holds := e.stock(w.ID); s != 8 || len(holds) != 0 {
		t.Errorf("the shipment's hold: stock %d holds %v", s, holds)
	}
	if e.reread(fan).Unread != 2 { // paid, shipped
		t.Errorf("buyer unread %d", e.reread(fan).Unread)
	}
	page, _ := e.c.Orders(e.ctx, potter, commerce.OrderQuery{Role: commerce.RoleMaker, Status: "shipped"})
	if page.Total != 1 {
		t.Errorf("the index was not brought up to date: %+v", page)
	}
}

func TestShippedOrdersAreReceivedThenCompleted(t *testing.T) {
	e := mustOpen(t)
	fan, potter := e.user("fan"), e.maker("potter")
	o, _ := e.order(fan, potter, "offline", 1)
	e.act(potter, o.ID, commerce.ActionConfirmPayment, commerce.ActInput{})
	e.act(potter, o.ID, commerce.ActionShip, commerce.ActInput{Carrier: "SF", TrackingNumber: "SF1"})
	e.clock.Add(13 * 24 * time.Hour)
	if n, _ := e.c.AutoReceive(e.ctx); n != 0 {
		t.Fatalf("received after 13 days: %d", n)
	}
	e.clock.Add(25 * time.Hour)
	if n, err := e.c.AutoReceive(e.ctx); n != 1 || err != nil {
		t.Fatalf("received after 14 days: %d %v", n, err)
	}
	got, _ := e.c.Order(e.ctx, fan, o.ID)
	if got.Status != commerce.StatusDelivered || got.ProtectionEndsAt == nil ||
		!got.ProtectionEndsAt.Equal(got.DeliveredAt.Add(60*24*time.Hour)) {
		t.Fatalf("order %+v", got)
	}
	e.clock.Add(59 * 24 * time.Hour)
	if n, _ := e.c.Complete(e.ctx); n != 0 {
		t.Fatalf("completed before protection ended: %d", n)
	}
	e.clock.Add(2 * 24 * time.Hour)
	if n, err := e.c.Complete(e.ctx); n != 1 || err != nil {
		t.Fatalf("completed %d %v", n, err)
	}
}

func TestTheOrderDesk(t *testing.T) {
	e := mustOpen(t)
	fan, other, potter, tanner := e.user("fan"), e.user("other"), e.maker("potter"), e.maker("tanner")
	toPay, _ := e.order(fan, potter, "offline", 1)
	toShip1, _ := e.order(fan, potter, "offline", 1)
	toShip2, _ := e.order(other, potter, "offline", 1)
	elsewhere, _ := e.order(fan, tanner, "offline", 1)
	for _, o := range []*commerce.Order{toShip1, toShip2, elsewhere} {
		e.act(map[bool]*account.User{true: potter, false: tanner}[o.Maker.ID == potter.ID], o.ID, commerce.ActionConfirmPayment, commerce.ActInput{})
	}

	t.Run("TabsCountFromOneSearchAndListsAreTheCallers", func(t *testing.T) {
		page, err := e.c.Orders(e.ctx, potter, commerce.OrderQuery{Role: commerce.RoleMaker})
		if err != nil || page.Total != 3 || page.Counts["to_pay"] != 1 || page.Counts["to_ship"] != 2 || page.Counts["after_sales"] != 0 {
			t.Fatalf("%+v %v", page, err)
		}
		page, err = e.c.Orders(e.ctx, potter, commerce.OrderQuery{Role: commerce.RoleMaker, Status: "to_ship"})
		if err != nil || page.Total != 2 || page.Counts["to_pay"] != 1 {
			t.Fatalf("to ship: %+v %v", page, err)
		}
		mine, _ := e.c.Orders(e.ctx, fan, commerce.OrderQuery{})
		if mine.Total != 3 {
			t.Errorf("the fan's orders: %d", mine.Total)
		}
		if theirs, _ := e.c.Orders(e.ctx, other, commerce.OrderQuery{Role: commerce.RoleMaker}); theirs.Total != 0 {
			t.Errorf("someone who sells nothing sees %d orders", theirs.Total)
		}
		if _, err := e.c.Orders(e.ctx, fan, commerce.OrderQuery{Role: commerce.RoleAdmin}); kind(err) != problem.KindForbidden {
			t.Errorf("a non-admin listing all: %v", err)
		}
		if n, _ := e.c.ToShip(e.ctx, potter.ID); n != 2 {
			t.Errorf("badge %d", n)
		}
	})

	t.Run("SearchByNumberBuyerOrWork", func(t *testing.T) {
		for q, want := range map[string]string{toPay.Number: toPay.ID, "other": toShip2.ID, toShip1.Lines[0].Title: toShip1.ID} {
			page, err := e.c.Orders(e.ctx, potter, commerce.OrderQuery{Role: commerce.RoleMaker, Q: q})
			if err != nil || len(page.Items) == 0 || page.Items[0].ID != want {
				t.Errorf("%q: %+v %v", q, page, err)
			}
		}
	})

	t.Run("AnOrderIsSeenByItsPartiesOnly", func(t *testing.T) {
		if _, err := e.c.Order(e.ctx, other, toPay.ID); kind(err) != problem.KindNotFound {
			t.Errorf("a stranger: %v", err)
		}
		if _, err := e.c.Order(e.ctx, tanner, toPay.ID); kind(err) != problem.KindNotFound {
			t.Errorf("another maker: %v", err)
		}
	})

	t.Run("ShipManyReportsEachLine", func(t *testing.T) {
		res, err := e.c.ShipMany(e.ctx, potter, []commerce.ShipmentLine{
			{OrderID: toShip1.ID, Carrier: "SF", TrackingNumber: "SF1"},
			{OrderID: toPay.ID, Carrier: "SF", TrackingNumber: "SF2"},      // not paid
			{OrderID: elsewhere.ID, Carrier: "SF", TrackingNumber: "SF3"},  // not theirs
			{OrderID: toShip2.ID, Carrier: "", TrackingNumber: "SF4"},      // no carrier
			{OrderID: "nosuchorder", Carrier: "SF", TrackingNumber: "SF5"}, // unknown
		})
		if err != nil || len(res) != 5 {
			t.Fatalf("%+v %v", res, err)
		}
		want := []string{"", "invalid_transition", "not_found", "invalid", "not_found"}
		for i, r := range res {
			if code(r.Err) != want[i] || (r.Err == nil) != (r.Status == commerce.StatusShipped) {
				t.Errorf("line %d: %+v, want %q", i, r, want[i])
			}
		}
	})

	t.Run("ExportHasTheMakersOrdersInFull", func(t *testing.T) {
		rows, err := e.c.ExportRows(e.ctx, potter, "", time.Time{}, time.Time{})
		if err != nil || len(rows) != 3 || rows[0].ShippingAddress.Line1 == "" {
			t.Fatalf("%d rows %v", len(rows), err)
		}
		rows, _ = e.c.ExportRows(e.ctx, potter, "to_pay", time.Time{}, time.Time{})
		if len(rows) != 1 || rows[0].ID != toPay.ID {
			t.Errorf("to pay: %d rows", len(rows))
		}
		rows, _ = e.c.ExportRows(e.ctx, potter, "", e.clock.Now().Add(time.Hour), time.Time{})
		if len(rows) != 0 {
			t.Errorf("from the future: %d rows", len(rows))
		}
	})
}

func TestTheCardClientSecretIsTheBuyersAlone(t *testing.T) {
	e := mustOpen(t)
	fan, potter := e.user("fan"), e.maker("potter")
	o, _ := e.order(fan, potter, "stripe", 1)
	if p, err := e.c.Payment(e.ctx, fan, o); err != nil || p.ClientSecret == "" || p.Amount != o.Amounts.Total {
		t.Errorf("the buyer: %+v %v", p, err)
	}
	if p, err := e.c.Payment(e.ctx, potter, o); err != nil || p.ClientSecret != "" {
		t.Errorf("the maker: %+v %v", p, err)
	}
}
