package commerce_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"guildhall/internal/commerce"
	"guildhall/internal/payment"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

func TestService_Checkout(t *testing.T) {
	t.Run("OneOrderPerMakerWithSnapshotsAndAmounts", func(t *testing.T) {
		e := mustOpen(t)
		potter, tanner := e.maker("potter"), e.maker("tanner")
		bowl := e.work(potter, "Blue bowl", 12900, 5, work.VariantInput{Name: "Large", Price: work.Money{Amount: 15900}})
		cup := e.work(potter, "Tea cup", 4500, 3)
		wallet := e.work(tanner, "Wallet", 29900, -1)
		fan := e.user("fan")
		e.buy(fan, bowl, "v1", 2)
		e.buy(fan, cup, "", 1)
		e.buy(fan, wallet, "", 1)
		if n := e.reread(fan).CartCount; n != 4 {
			t.Fatalf("cart count %d, want 4", n)
		}
		addr := e.address(fan, "CN")
		// potter: 2×159 + 45 = 363, shipping 10 + 2×5 = 20; tanner: 299 + 10.
		want := int64(2*15900+4500+1000+2*500) + int64(29900+1000)
		r, err := e.checkout(fan, addr, func(in *commerce.CheckoutInput) {
			in.ExpectedTotal = &commerce.Money{Amount: want, Currency: "CNY"}
			in.Note = "Gift wrap, please"
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Orders) != 2 || r.Payment.Amount.Amount != want || r.Payment.Method != payment.MethodOffline || r.Replayed {
			t.Fatalf("result %+v", r)
		}
		for _, s := range r.Orders {
			o, err := e.c.Order(e.ctx, fan, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != commerce.StatusPendingPayment || o.Payment.Status != commerce.PayAwaiting || o.Payment.Instructions == "" ||
				o.ShippingAddress.ID != addr || o.Note != "Gift wrap, please" || o.ExpiresAt == nil || len(o.Timeline()) != 1 {
				t.Errorf("order %+v", o)
			}
			switch o.Maker.ID {
			case potter.ID:
				i := slices.IndexFunc(o.Lines, func(l commerce.OrderLine) bool { return l.WorkID == bowl.ID })
				if len(o.Lines) != 2 || o.Amounts.Subtotal.Amount != 2*15900+4500 || o.Amounts.Shipping.Amount != 2000 || i < 0 ||
					o.Lines[i].OptionName != "Large" || o.Lines[i].UnitPrice.Amount != 15900 || o.Lines[i].LineTotal.Amount != 31800 {
					t.Errorf("potter's order %+v", o)
				}
			case tanner.ID:
				if o.Amounts.Total.Amount != 30900 || !o.Lines[0].MadeToOrder {
					t.Errorf("tanner's order %+v", o)
				}
			}
		}
		if s, holds := e.stock(bowl.ID); s != 3 || holds[r.Orders[0].ID]+holds[r.Orders[1].ID] != 2 {
			t.Errorf("bowl stock %d holds %v", s, holds)
		}
		if s, _ := e.stock(cup.ID); s != 2 {
			t.Errorf("cup stock %d", s)
		}
		if s, holds := e.stock(wallet.ID); s != 0 || len(holds) != 0 {
			t.Errorf("a made-to-order work took stock: %d %v", s, holds)
		}
		v, err := e.c.Cart(e.ctx, e.reread(fan), "")
		if err != nil || v.Count != 0 || len(v.Groups) != 0 || e.reread(fan).CartCount != 0 {
			t.Errorf("the cart was not emptied: %+v (%v), count %d", v, err, e.reread(fan).CartCount)
		}
		if u := e.reread(potter); u.Unread != 1 {
			t.Errorf("the maker was not told of the order once: unread %d", u.Unread)
		}
	})

	t.Run("ALaterLineFailingGivesBackWhatEarlierLinesTook", func(t *testing.T) {
		e := mustOpen(t)
		potter := e.maker("potter")
		a, b := e.work(potter, "First", 1000, 3), e.work(potter, "Second", 1000, 3)
		first, last := a, b
		if first.ID > last.ID {
			first, last = last, first
		}
		one := 1 // the work taken last has one left
		if _, err := e.app.Works.Update(e.ctx, potter, last.ID, work.Input{Stock: &one}); err != nil {
			t.Fatal(err)
		}
		fan, rival := e.user("fan"), e.user("rival")
		e.buy(fan, a, "", 1)
		e.buy(fan, b, "", 1)
		e.buy(rival, last, "", 1)
		addr, rivalAddr := e.address(fan, "CN"), e.address(rival, "CN")
		// The rival buys the last work between the fan's plan (which saw it
		// in stock) and the fan's takes.
		commerce.SetStepHook(e.c, func(ctx context.Context, id, step string) error {
			if step == commerce.StepIntent && strings.HasPrefix(id, fan.ID+":") {
				commerce.SetStepHook(e.c, func(context.Context, string, string) error { return nil })
				_, err := e.checkout(rival, rivalAddr)
				return err
			}
			return nil
		})
		_, err := e.checkout(fan, addr)
		if code(err) != "out_of_stock" || kind(err) != problem.KindConflict {
			t.Fatalf("want out_of_stock, got %v", err)
		}
		p, _ := problem.As(err)
		if p.Fields["lines."+last.ID] != "out_of_stock" {
			t.Errorf("the answer does not name the work: %+v", p.Fields)
		}
		firstStock, holds := e.stock(first.ID)
		if firstStock != 3 || len(holds) != 0 {
			t.Errorf("the first line kept what it took: stock %d holds %v", firstStock, holds)
		}
	})
}
