package commerce_test

import (
	"sync"
	"testing"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/payment"
	"guildhall/internal/problem"
)

// contend runs each of fns at once and returns their errors.
func contend(fns ...func() error) []error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func TestTwoTransitionsRacingOneWins(t *testing.T) {
	t.Run("AdminCancelsWhileTheMakerShips", func(t *testing.T) {
		e := mustOpen(t)
		fan, potter, admin := e.user("fan"), e.maker("potter"), e.user("overseer")
		_, err := e.app.Accounts.GrantRole(e.ctx, admin.ID, account.RoleAdmin)
		e.must(err)
		admin = e.reread(admin)
		o, w := e.order(fan, potter, "offline", 2)
		e.act(potter, o.ID, commerce.ActionConfirmPayment, commerce.ActInput{})
		var fns []func() error
		for i := range 20 {
			fns = append(fns, func() error {
				if i%2 == 0 {
					_, err := e.c.Act(e.ctx, potter, o.ID, commerce.ActionShip, commerce.ActInput{Carrier: "SF", TrackingNumber: "SF1"})
					return err
				}
				_, err := e.c.Act(e.ctx, admin, o.ID, commerce.ActionCancel, commerce.ActInput{Reason: "fraud"})
				return err
			})
		}
		wins := 0
		for _, err := range contend(fns...) {
			switch {
			case err == nil:
				wins++
			case code(err) != "invalid_transition" || kind(err) != problem.KindConflict:
				t.Errorf("a loser got %v", err)
			}
		}
		got, err := e.c.Order(e.ctx, fan, o.ID)
		e.must(err)
		if wins != 1 || got.Version != 3 || len(got.Timeline()) != 3 {
			t.Fatalf("%d won; version %d, history %+v", wins, got.Version, got.Timeline())
		}
		stock, holds := e.stock(w.ID)
		switch got.Status {
		case commerce.StatusShipped:
			if stock != 8 || len(holds) != 0 {
				t.Errorf("shipped: stock %d holds %v, want 8 and none", stock, holds)
			}
		case commerce.StatusCancelled:
			if stock != 10 || len(holds) != 0 {
				t.Errorf("cancelled: stock %d holds %v, want 10 and none (given back once)", stock, holds)
			}
		default:
			t.Errorf("status %s", got.Status)
		}
	})

	t.Run("TheBuyerCancelsWhileTheMakerConfirmsPayment", func(t *testing.T) {
		e := mustOpen(t)
		fan, potter := e.user("fan"), e.maker("potter")
		o, w := e.order(fan, potter, "offline", 1)
		var fns []func() error
		for i := range 20 {
			fns = append(fns, func() error {
				var err error
				if i%2 == 0 {
					_, err = e.c.Act(e.ctx, fan, o.ID, commerce.ActionCancel, commerce.ActInput{})
				} else {
					_, err = e.c.Act(e.ctx, potter, o.ID, commerce.ActionConfirmPayment, commerce.ActInput{})
				}
				return err
			})
		}
		wins := 0
		for _, err := range contend(fns...) {
			if err == nil {
				wins++
			} else if code(err) != "invalid_transition" {
				t.Errorf("a loser got %v", err)
			}
		}
		got, _ := e.c.Order(e.ctx, fan, o.ID)
		stock, _ := e.stock(w.ID)
		want := map[string]int{commerce.StatusCancelled: 10, commerce.StatusPaid: 9}[got.Status]
		if wins != 1 || got.Version != 2 || stock != want {
			t.Errorf("%d won, %s v%d, stock %d", wins, got.Status, got.Version, stock)
		}
		if got.Status == commerce.StatusPaid && e.sales(w.ID) != 1 {
			t.Errorf("sales %d, want 1", e.sales(w.ID))
		}
	})
}

func TestUnpaidOrdersExpire(t *testing.T) {
	e := mustOpen(t)
	fan, potter := e.user("fan"), e.maker("potter")
	offline, w1 := e.order(fan, potter, "offline", 2)
	reported, w2 := e.order(fan, potter, "offline", 1)
	e.act(fan, reported.ID, commerce.ActionPay, commerce.ActInput{Reference: "transfer 8842"})
	card, w3 := e.order(fan, potter, "stripe", 1)

	e.clock.Add(31 * time.Minute) // the card order only
	if n, err := e.c.ExpireUnpaid(e.ctx); err != nil || n != 1 {
		t.Fatalf("after 31 minutes expired %d (%v), want the card order", n, err)
	}
	if s, _ := e.stock(w3.ID); s != 10 {
		t.Errorf("the card order's stock was not given back: %d", s)
	}
	if len(e.card.canceled) != 1 {
		t.Errorf("the card payment was not cancelled at the provider: %v", e.card.canceled)
	}
	e.clock.Add(72 * time.Hour)
	if n, err := e.c.ExpireUnpaid(e.ctx); err != nil || n != 1 {
		t.Fatalf("after 72 hours expired %d (%v), want the offline order only", n, err)
	}
	if n, err := e.c.ExpireUnpaid(e.ctx); err != nil || n != 0 {
		t.Fatalf("a second run expired %d (%v)", n, err)
	}
	for id, want := range map[string]string{offline.ID: "cancelled", reported.ID: "pending_payment", card.ID: "cancelled"} {
		o, _ := e.c.Order(e.ctx, fan, id)
		if o.Status != want {
			t.Errorf("order %s is %s, want %s", id, o.Status, want)
		}
	}
	if s, h := e.stock(w1.ID); s != 10 || len(h) != 0 {
		t.Errorf("stock given back wrong: %d %v", s, h)
	}
	if s, _ := e.stock(w2.ID); s != 9 {
		t.Errorf("a reported payment's stock: %d, want 9", s)
	}
}

func TestALateCardPayment(t *testing.T) {
	expired := func(t *testing.T) (*env, *account.User, *commerce.Order) {
		e := mustOpen(t)
		fan, potter := e.user("fan"), e.maker("potter")
		o, _ := e.order(fan, potter, "stripe", 2)
		e.clock.Add(time.Hour)
		if n, err := e.c.ExpireUnpaid(e.ctx); n != 1 || err != nil {
			t.Fatalf("expired %d %v", n, err)
		}
		return e, potter, o
	}
	refOf := func(e *env, o *commerce.Order) string {
		p, err := e.c.Payment(e.ctx, nil, o)
		e.must(err)
		return e.card.started["guildhall-"+p.ID].Ref
	}

	t.Run("ReopensTheOrderWhenTheStockIsStillThere", func(t *testing.T) {
		e, potter, o := expired(t)
		e.must(e.c.ApplyPaymentEvent(e.ctx, e.card.succeeded("evt_1", refOf(e, o))))
		got, _ := e.c.Order(e.ctx, potter, o.ID)
		last := got.Timeline()[len(got.Timeline())-1]
		if got.Status != commerce.StatusPaid || last.Note != "late_payment_reopened" || got.HoldKey == o.ID {
			t.Fatalf("order %s, last %+v, hold %s", got.Status, last, got.HoldKey)
		}
		s, holds := e.stock(o.Lines[0].WorkID)
		if s != 8 || holds[got.HoldKey] != 2 || len(holds) != 1 || e.sales(o.Lines[0].WorkID) != 2 {
			t.Errorf("stock %d holds %v sales %d", s, holds, e.sales(o.Lines[0].WorkID))
		}
		// Shipping ends the new hold.
		e.act(potter, o.ID, commerce.ActionShip, commerce.ActInput{Carrier: "SF", TrackingNumber: "SF9"})
		if s, holds := e.stock(o.Lines[0].WorkID); s != 8 || len(holds) != 0 {
			t.Errorf("after shipping: stock %d holds %v", s, holds)
		}
	})

	t.Run("RefundsWhenTheStockIsGone", func(t *testing.T) {
		e, potter, o := expired(t)
		rival := e.user("rival")
		w, err := e.app.Works.Get(e.ctx, nil, o.Lines[0].WorkID)
		e.must(err)
		e.buy(rival, w, "", 9)
		_, err = e.checkout(rival, e.address(rival, "CN"))
		e.must(err)
		e.must(e.c.ApplyPaymentEvent(e.ctx, e.card.succeeded("evt_1", refOf(e, o))))
		got, _ := e.c.Order(e.ctx, potter, o.ID)
		if got.Status != commerce.StatusCancelled || got.Payment.Status != commerce.PayRefunded {
			t.Fatalf("order %s payment %s", got.Status, got.Payment.Status)
		}
		refunds := e.card.refunded()
		if len(refunds) != 1 || refunds[0].Amount != o.Amounts.Total.Amount || refunds[0].Ref != refOf(e, o) {
			t.Errorf("refunds %+v", refunds)
		}
		if s, holds := e.stock(w.ID); s != 1 || len(holds) != 1 {
			t.Errorf("stock %d holds %v: the late payment must take nothing", s, holds)
		}
	})

	t.Run("RacingTheExpiryGivesStockBackOnce", func(t *testing.T) {
		for range 5 {
			e := mustOpen(t)
			fan, potter := e.user("fan"), e.maker("potter")
			o, w := e.order(fan, potter, "stripe", 2)
			ref := refOf(e, o)
			e.clock.Add(time.Hour)
			errs := contend(
				func() error { _, err := e.c.ExpireUnpaid(e.ctx); return err },
				func() error { return e.c.ApplyPaymentEvent(e.ctx, e.card.succeeded("evt_1", ref)) },
			)
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got, _ := e.c.Order(e.ctx, potter, o.ID)
			s, holds := e.stock(w.ID)
			if got.Status != commerce.StatusPaid || s != 8 || len(holds) != 1 || holds[got.HoldKey] != 2 {
				t.Errorf("order %s; stock %d holds %v (hold key %s)", got.Status, s, holds, got.HoldKey)
			}
		}
	})

	t.Run("TheSameEventTwiceAtOnceIsAppliedOnce", func(t *testing.T) {
		e := mustOpen(t)
		fan, potter := e.user("fan"), e.maker("potter")
		o, w := e.order(fan, potter, "stripe", 3)
		ev := e.card.succeeded("evt_dup", refOf(e, o))
		var fns []func() error
		for range 6 {
			fns = append(fns, func() error { return e.c.ApplyPaymentEvent(e.ctx, ev) })
		}
		for _, err := range contend(fns...) {
			if err != nil && code(err) != "order_event_in_progress" {
				t.Errorf("a repeat got %v", err)
			}
		}
		e.must(e.c.ApplyPaymentEvent(e.ctx, ev)) // after: applied, nothing to do
		got, _ := e.c.Order(e.ctx, potter, o.ID)
		if got.Status != commerce.StatusPaid || got.Version != 2 || e.sales(w.ID) != 3 {
			t.Errorf("order %s v%d, sales %d", got.Status, got.Version, e.sales(w.ID))
		}
		studio, err := e.app.Makers.ByID(e.ctx, potter.ID)
		if err != nil || studio.Counts.Sales != 3 {
			t.Errorf("maker's sales %+v %v", studio, err)
		}
	})

	t.Run("AnEventOfNoInterestChangesNothing", func(t *testing.T) {
		e := mustOpen(t)
		if err := e.c.ApplyPaymentEvent(e.ctx, payment.Event{ID: "evt_x"}); err != nil {
			t.Fatal(err)
		}
	})
}
