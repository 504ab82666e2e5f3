package commerce_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

var errCrash = errors.New("the process died here")

// crashAt makes the next checkout stop at step, as a crash would: nothing
// after it runs, nothing is undone.
func (e *env) crashAt(step string) {
	commerce.SetStepHook(e.c, func(_ context.Context, _, s string) error {
		if s != step {
			return nil
		}
		commerce.SetStepHook(e.c, func(context.Context, string, string) error { return nil })
		return errCrash
	})
}

// repairLater moves the clock past the time any request could still be
// at work and runs the checkout repair.
func (e *env) repairLater() int {
	e.t.Helper()
	e.clock.Add(11 * time.Minute)
	n, err := e.c.RepairCheckouts(e.ctx)
	e.must(err)
	return n
}

type crashFixture struct {
	e         *env
	fan       *account.User
	bowl, cup *work.Work
	in        commerce.CheckoutInput
}

// newCrashFixture: a fan buys one bowl and two cups (stock 5 each) by card.
func newCrashFixture(t *testing.T) *crashFixture {
	e := mustOpen(t)
	potter := e.maker("potter")
	f := &crashFixture{e: e, fan: e.user("fan"), bowl: e.work(potter, "Bowl", 12900, 5), cup: e.work(potter, "Cup", 4500, 5)}
	e.buy(f.fan, f.bowl, "", 1)
	e.buy(f.fan, f.cup, "", 2)
	f.in = commerce.CheckoutInput{Key: "crash", AddressID: e.address(f.fan, "CN"), PaymentMethod: "stripe"}
	return f
}

func (f *crashFixture) stocks() (int, int) {
	b, _ := f.e.stock(f.bowl.ID)
	c, _ := f.e.stock(f.cup.ID)
	return b, c
}

func TestACrashedCheckoutIsFinishedOrUndoneByRepair(t *testing.T) {
	for _, step := range []string{commerce.StepStock, commerce.StepOrders, commerce.StepPayment} {
		t.Run("AfterStep_"+step+"_RepairFinishes", func(t *testing.T) {
			f := newCrashFixture(t)
			e := f.e
			e.crashAt(step)
			if _, err := e.c.Checkout(e.ctx, f.fan, f.in); !errors.Is(err, errCrash) {
				t.Fatalf("want the crash, got %v", err)
			}
			if _, err := e.c.Checkout(e.ctx, f.fan, f.in); code(err) != "idempotency_key_in_use" {
				t.Errorf("a retry before the repair: %v", err)
			}
			if n := e.repairLater(); n != 1 {
				t.Fatalf("repaired %d", n)
			}
			r, err := e.c.Checkout(e.ctx, f.fan, f.in)
			if err != nil || !r.Replayed || len(r.Orders) != 1 || r.Payment.ClientSecret == "" {
				t.Fatalf("a retry after the repair: %+v %v", r, err)
			}
			o, err := e.c.Order(e.ctx, f.fan, r.Orders[0].ID)
			if err != nil || o.Status != commerce.StatusPendingPayment || len(o.Lines) != 2 {
				t.Fatalf("order %+v %v", o, err)
			}
			if b, c := f.stocks(); b != 4 || c != 3 {
				t.Errorf("stock %d %d, want 4 3", b, c)
			}
			if len(e.card.started) != 1 {
				t.Errorf("%d card payments started, want 1", len(e.card.started))
			}
			if v, _ := e.c.Cart(e.ctx, f.fan, ""); v.Count != 0 {
				t.Errorf("the bought lines are still in the cart: %+v", v)
			}
			if n, _ := e.c.RepairCheckouts(e.ctx); n != 0 {
				t.Errorf("repaired again: %d", n)
			}
		})
	}

	t.Run("AfterTheAnswerNothingIsLeftToRepair", func(t *testing.T) {
		f := newCrashFixture(t)
		e := f.e
		e.crashAt(commerce.StepDone)
		if _, err := e.c.Checkout(e.ctx, f.fan, f.in); !errors.Is(err, errCrash) {
			t.Fatal(err)
		}
		if n := e.repairLater(); n != 0 {
			t.Errorf("repaired %d", n)
		}
		if r, err := e.c.Checkout(e.ctx, f.fan, f.in); err != nil || !r.Replayed {
			t.Fatalf("retry: %+v %v", r, err)
		}
	})

	t.Run("BetweenTwoTakesRepairUndoes", func(t *testing.T) {
		f := newCrashFixture(t)
		e := f.e
		first := min(f.bowl.ID, f.cup.ID)
		e.crashAt(commerce.StepTook + first)
		if _, err := e.c.Checkout(e.ctx, f.fan, f.in); !errors.Is(err, errCrash) {
			t.Fatal(err)
		}
		if b, c := f.stocks(); b+c != 10-map[string]int{f.bowl.ID: 1, f.cup.ID: 2}[first] {
			t.Fatalf("the first take should hold its units: %d %d", b, c)
		}
		if n := e.repairLater(); n != 1 {
			t.Fatalf("repaired %d", n)
		}
		if b, c := f.stocks(); b != 5 || c != 5 {
			t.Errorf("stock lost: %d %d", b, c)
		}
		_, err := e.c.Checkout(e.ctx, f.fan, f.in)
		if code(err) != "checkout_abandoned" || !commerce.IsReplayed(err) || kind(err) != problem.KindConflict {
			t.Errorf("a retry: %v", err)
		}
		if len(e.card.started) != 0 {
			t.Error("a payment was started for a checkout that made nothing")
		}
		// The cart is as it was: a new key buys it.
		f.in.Key = "again"
		if _, err := e.c.Checkout(e.ctx, f.fan, f.in); err != nil {
			t.Errorf("a new key: %v", err)
		}
	})

	t.Run("ATakeThatCrashedBeforePuttingBackIsUndone", func(t *testing.T) {
		f := newCrashFixture(t)
		e := f.e
		first, last := f.bowl, f.cup
		if last.ID < first.ID {
			first, last = last, first
		}
		e.crashAt(commerce.StepTook + first.ID)
		if _, err := e.c.Checkout(e.ctx, f.fan, f.in); !errors.Is(err, errCrash) {
			t.Fatal(err)
		}
		// Play the second take having decremented a count that someone
		// else had taken down to zero, and died before putting it back.
		var c struct {
			Plan struct {
				Orders []struct{ ID string } `bson:"orders"`
			} `bson:"plan"`
		}
		e.must(e.app.DB.Database.Collection(commerce.CheckoutsCollection).FindOne(e.ctx, bson.M{"_id": f.fan.ID + ":crash"}).Decode(&c))
		need := map[string]int{f.bowl.ID: 1, f.cup.ID: 2}[last.ID]
		works := e.app.DB.Database.Collection(work.Collection)
		_, err := works.UpdateOne(e.ctx, bson.M{"_id": last.ID}, bson.M{"$set": bson.M{"stock": -need},
			"$inc": bson.M{"holds." + c.Plan.Orders[0].ID: need}})
		e.must(err)
		if n := e.repairLater(); n != 1 {
			t.Fatalf("repaired %d", n)
		}
		if s, holds := e.stock(last.ID); s != 0 || len(holds) != 0 {
			t.Errorf("the crashed take: stock %d holds %v, want 0 and none", s, holds)
		}
		if s, holds := e.stock(first.ID); s != 5 || len(holds) != 0 {
			t.Errorf("the first take: stock %d holds %v, want 5 and none", s, holds)
		}
	})
}
