package commerce_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

func TestService_Checkout_Refusals(t *testing.T) {
	t.Run("PriceChangedAnswersTheNewTotalAndTakesNothing", func(t *testing.T) {
		e := mustOpen(t)
		potter := e.maker("potter")
		bowl := e.work(potter, "Bowl", 12900, 5)
		fan := e.user("fan")
		e.buy(fan, bowl, "", 1)
		addr := e.address(fan, "CN")
		seen := commerce.Money{Amount: 12900 + 1000, Currency: "CNY"}
		price := work.Money{Amount: 13900, Currency: "CNY"}
		if _, err := e.app.Works.Update(e.ctx, potter, bowl.ID, work.Input{Price: &price}); err != nil {
			t.Fatal(err)
		}
		_, err := e.checkout(fan, addr, func(in *commerce.CheckoutInput) { in.ExpectedTotal = &seen })
		p, _ := problem.As(err)
		if code(err) != "price_changed" || kind(err) != problem.KindConflict || p.Data["total"] != (commerce.Money{Amount: 14900, Currency: "CNY"}) {
			t.Fatalf("got %v %+v", err, p)
		}
		if stock, holds := e.stock(bowl.ID); stock != 5 || len(holds) != 0 {
			t.Errorf("stock %d holds %v", stock, holds)
		}
		if v, _ := e.c.Cart(e.ctx, fan, ""); v.Count != 1 || !v.Groups[0].Lines[0].PriceChanged {
			t.Errorf("the cart should still hold the line, marked: %+v", v)
		}
		// Confirming the new total goes through.
		r, err := e.checkout(fan, addr, func(in *commerce.CheckoutInput) { in.ExpectedTotal = &commerce.Money{Amount: 14900, Currency: "CNY"} })
		if err != nil || r.Payment.Amount.Amount != 14900 {
			t.Fatalf("%+v %v", r, err)
		}
	})

	t.Run("AMakerCannotBuyTheirOwnWorks", func(t *testing.T) {
		e := mustOpen(t)
		potter := e.maker("potter")
		bowl := e.work(potter, "Bowl", 12900, 5)
		if err := e.c.SetCartItem(e.ctx, potter, bowl.ID, "", 1); code(err) != "own_work" || kind(err) != problem.KindInvalid {
			t.Fatalf("into the cart: %v", err)
		}
		// Checkout checks again whatever a cart holds (a cookie merged in).
		line := commerce.CartLine{WorkID: bowl.ID, Quantity: 1, UnitPriceSeen: bowl.Price}
		_, err := e.app.DB.Database.Collection(commerce.CartsCollection).UpdateOne(e.ctx, bson.M{"_id": potter.ID},
			bson.M{"$set": bson.M{"lines." + line.Key(): line}}, options.UpdateOne().SetUpsert(true))
		e.must(err)
		_, err = e.checkout(potter, e.address(potter, "CN"))
		if p, _ := problem.As(err); code(err) != "own_work" || p.Fields["lines."+bowl.ID] != "own_work" {
			t.Fatalf("checkout: %v", err)
		}
	})

	t.Run("DraftArchivedAndDeletedWorksCannotBeBought", func(t *testing.T) {
		e := mustOpen(t)
		potter := e.maker("potter")
		fan := e.user("fan")
		addr := e.address(fan, "CN")
		for _, gone := range []string{"draft", "archived", "deleted"} {
			w := e.work(potter, "Bowl "+gone, 12900, 5)
			e.buy(fan, w, "", 1)
			if gone == "deleted" {
				e.must(e.app.Works.Delete(e.ctx, potter, w.ID))
			} else {
				status := gone
				_, err := e.app.Works.Update(e.ctx, potter, w.ID, work.Input{Status: &status})
				e.must(err)
			}
			_, err := e.checkout(fan, addr)
			if p, _ := problem.As(err); code(err) != "work_unavailable" || p.Fields["lines."+w.ID] != "work_unavailable" {
				t.Errorf("%s: %v", gone, err)
			}
			if v, _ := e.c.Cart(e.ctx, fan, ""); v.Groups[0].Lines[0].Available {
				t.Errorf("%s: the cart shows it available", gone)
			}
			e.must(e.c.RemoveCartItem(e.ctx, fan, w.ID, ""))
		}
	})

	t.Run("MakersInTwoCurrenciesAreCheckedOutOneAtATime", func(t *testing.T) {
		e := mustOpen(t)
		potter := e.maker("potter")
		usd := func(o *shopOpts) { o.currency = "USD" }
		smith := e.maker("smith", usd)
		bowl := e.work(potter, "Bowl", 12900, 5)
		ring := e.workIn(smith, "Ring", work.Money{Amount: 4000, Currency: "USD"}, 5)
		fan := e.user("fan")
		e.buy(fan, bowl, "", 1)
		e.buy(fan, ring, "", 1)
		addr := e.address(fan, "CN")
		v, err := e.c.Cart(e.ctx, fan, addr)
		if err != nil || len(v.Totals) != 2 {
			t.Fatalf("cart totals %+v %v", v, err)
		}
		_, err = e.checkout(fan, addr)
		if code(err) != "mixed_currencies" || kind(err) != problem.KindInvalid {
			t.Fatalf("both: %v", err)
		}
		r, err := e.checkout(fan, addr, func(in *commerce.CheckoutInput) { in.Maker = smith.ID })
		if err != nil || len(r.Orders) != 1 || r.Payment.Amount != (commerce.Money{Amount: 4000 + 1000, Currency: "USD"}) {
			t.Fatalf("one maker: %+v %v", r, err)
		}
		if v, _ := e.c.Cart(e.ctx, fan, addr); v.Count != 1 || v.Groups[0].Maker.ID != potter.ID {
			t.Errorf("the other maker's line should stay: %+v", v)
		}
	})

	t.Run("EveryMakerMustTakeThePaymentMethod", func(t *testing.T) {
		e := mustOpen(t)
		cash := e.maker("cash", func(o *shopOpts) { o.stripe = false })
		card := e.maker("card")
		fan := e.user("fan")
		e.buy(fan, e.work(cash, "Bowl", 12900, 5), "", 1)
		e.buy(fan, e.work(card, "Cup", 4500, 5), "", 1)
		_, err := e.checkout(fan, e.address(fan, "CN"), func(in *commerce.CheckoutInput) { in.PaymentMethod = "stripe" })
		if p, _ := problem.As(err); code(err) != "payment_method_not_offered" || p.Fields["payment_method"] == "" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("TheAddressMustBeTheBuyers", func(t *testing.T) {
		e := mustOpen(t)
		potter := e.maker("potter")
		fan, other := e.user("fan"), e.user("other")
		e.buy(fan, e.work(potter, "Bowl", 12900, 5), "", 1)
		_, err := e.checkout(fan, e.address(other, "CN"))
		if p, _ := problem.As(err); code(err) != "address_unknown" || p.Fields["address_id"] != "address_unknown" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("AMakerWhoDoesNotShipThereIsNamed", func(t *testing.T) {
		e := mustOpen(t)
		local := e.maker("local", func(o *shopOpts) {
			o.rates = []commerce.RateInput{{To: "domestic", FirstItem: commerce.Money{Amount: 1000, Currency: "CNY"}}}
		})
		fan := e.user("fan")
		e.buy(fan, e.work(local, "Bowl", 12900, 5), "", 1)
		_, err := e.checkout(fan, e.address(fan, "US"))
		if p, _ := problem.As(err); code(err) != "ships_to_unknown" || p.Fields["shipping."+local.ID] != "ships_to_unknown" {
			t.Fatalf("got %v %+v", err, p)
		}
	})
}
