package commerce_test

import (
	"fmt"
	"testing"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

func TestTheCart(t *testing.T) {
	e := mustOpen(t)
	potter, tanner := e.maker("potter", func(o *shopOpts) { o.freeOver = &commerce.Money{Amount: 30000, Currency: "CNY"} }), e.maker("tanner")
	bowl := e.work(potter, "Bowl", 12900, 5, work.VariantInput{Name: "Large", Price: work.Money{Amount: 15900}})
	cup := e.work(potter, "Cup", 4500, 0)
	wallet := e.work(tanner, "Wallet", 29900, -1)
	fan := e.user("fan")

	t.Run("LinesGroupByMakerWithShippingAndTotals", func(t *testing.T) {
		e.buy(fan, bowl, "v1", 1)
		e.buy(fan, wallet, "", 2)
		v, err := e.c.Cart(e.ctx, e.reread(fan), "")
		if err != nil || len(v.Groups) != 2 || v.Count != 3 {
			t.Fatalf("%+v %v", v, err)
		}
		for _, g := range v.Groups {
			if g.Shipping != nil || g.ShippingProblem != commerce.ShippingNeedsAddress {
				t.Errorf("no address yet: %+v", g)
			}
		}
		addr := e.address(fan, "CN")
		v, _ = e.c.Cart(e.ctx, e.reread(fan), addr)
		got := map[string]commerce.CartGroup{}
		for _, g := range v.Groups {
			got[g.Maker.Handle] = g
		}
		if p := got["potter"]; p.Subtotal.Amount != 15900 || p.Shipping.Amount != 1000 || p.Total.Amount != 16900 || p.Lines[0].OptionName != "Large" {
			t.Errorf("potter: %+v", p)
		}
		if w := got["tanner"]; w.Subtotal.Amount != 59800 || w.Shipping.Amount != 1500 || !w.Lines[0].Available {
			t.Errorf("tanner: %+v", w)
		}
		if len(v.Totals) != 1 || v.Totals[0].Amount != 16900+61300 {
			t.Errorf("totals %+v", v.Totals)
		}
		// 包邮: free shipping from 300.00.
		e.buy(fan, bowl, "v1", 2)
		v, _ = e.c.Cart(e.ctx, e.reread(fan), addr)
		for _, g := range v.Groups {
			if g.Maker.Handle == "potter" && (g.Shipping == nil || g.Shipping.Amount != 0 || g.Subtotal.Amount != 31800) {
				t.Errorf("free over 300: %+v", g)
			}
		}
	})

	t.Run("LinesSayWhenTheyCannotBeBoughtAsSeen", func(t *testing.T) {
		e.buy(fan, cup, "", 1) // allowed into the cart, shown unavailable
		price := work.Money{Amount: 19900, Currency: "CNY"}
		_, err := e.app.Works.Update(e.ctx, tanner, wallet.ID, work.Input{Price: &price})
		e.must(err)
		v, _ := e.c.Cart(e.ctx, e.reread(fan), "")
		for _, g := range v.Groups {
			for _, l := range g.Lines {
				switch l.WorkID {
				case cup.ID:
					if l.Available {
						t.Error("a work out of stock shows available")
					}
				case wallet.ID:
					if !l.PriceChanged || l.UnitPrice.Amount != 19900 || l.UnitPriceSeen.Amount != 29900 {
						t.Errorf("wallet line %+v", l)
					}
				}
			}
		}
		e.must(e.c.RemoveCartItem(e.ctx, fan, cup.ID, ""))
	})

	t.Run("QuantitiesOptionsAndTheCountAreChecked", func(t *testing.T) {
		for _, q := range []int{0, 100} {
			if err := e.c.SetCartItem(e.ctx, fan, bowl.ID, "v1", q); code(err) != "invalid" {
				t.Errorf("quantity %d: %v", q, err)
			}
		}
		if err := e.c.SetCartItem(e.ctx, fan, bowl.ID, "v9", 1); code(err) != "invalid" {
			t.Errorf("an unknown option: %v", err)
		}
		if err := e.c.SetCartItem(e.ctx, fan, bowl.ID, "", 1); code(err) != "invalid" {
			t.Errorf("a work with options needs one: %v", err)
		}
		v, _ := e.c.Cart(e.ctx, e.reread(fan), "")
		if e.reread(fan).CartCount != v.Count || v.Count != 4 {
			t.Errorf("count %d, cart %d", e.reread(fan).CartCount, v.Count)
		}
	})

	t.Run("AVisitorsCartMergesAtSignIn", func(t *testing.T) {
		cookie := []commerce.CartLine{
			{WorkID: bowl.ID, OptionID: "v1", Quantity: 98, UnitPriceSeen: work.Money{Amount: 15900, Currency: "CNY"}},
			{WorkID: cup.ID, Quantity: 1, UnitPriceSeen: work.Money{Amount: 4500, Currency: "CNY"}},
			{WorkID: cup.ID, Quantity: 2, UnitPriceSeen: work.Money{Amount: 4500, Currency: "CNY"}},
		}
		lines, err := commerce.ValidateCartLines(cookie)
		if err != nil || len(lines) != 2 || lines[1].Quantity != 3 {
			t.Fatalf("validate: %+v %v", lines, err)
		}
		if _, err := commerce.ValidateCartLines([]commerce.CartLine{{WorkID: bowl.ID, Quantity: -1}}); code(err) != "invalid" {
			t.Errorf("a negative quantity: %v", err)
		}
		e.must(e.c.MergeCart(e.ctx, fan, cookie))
		v, _ := e.c.Cart(e.ctx, e.reread(fan), "")
		for _, g := range v.Groups {
			for _, l := range g.Lines {
				if l.WorkID == bowl.ID && l.Quantity != commerce.MaxQuantity {
					t.Errorf("summed quantity %d, want the cap", l.Quantity)
				}
			}
		}
		if e.reread(fan).CartCount != v.Count {
			t.Errorf("count %d, cart %d", e.reread(fan).CartCount, v.Count)
		}
	})

	t.Run("ACartHoldsAtMostThirtyLinesEvenWhenAddedAtOnce", func(t *testing.T) {
		crowd := e.user("crowd")
		var fns []func() error
		for i := range commerce.MaxCartLines + 5 {
			w := e.work(tanner, fmt.Sprintf("Card %d", i), 500, 5)
			fns = append(fns, func() error { return e.c.SetCartItem(e.ctx, crowd, w.ID, "", 1) })
		}
		full := 0
		for _, err := range contend(fns...) {
			if code(err) == "too_many_lines" && kind(err) == problem.KindConflict {
				full++
			} else if err != nil {
				t.Error(err)
			}
		}
		v, _ := e.c.Cart(e.ctx, e.reread(crowd), "")
		if full != 5 || v.Count != commerce.MaxCartLines || e.reread(crowd).CartCount != commerce.MaxCartLines {
			t.Errorf("refused %d, cart %d, count %d", full, v.Count, e.reread(crowd).CartCount)
		}
	})
}

func TestShopSettings(t *testing.T) {
	e := mustOpen(t, true) // no card provider
	potter := e.maker("potter", func(o *shopOpts) { o.stripe = false })
	m := func(a int64, c string) commerce.Money { return commerce.Money{Amount: a, Currency: c} }
	_, err := e.c.PutShipping(e.ctx, potter, commerce.ShippingInput{ProcessingDays: commerce.DayRange{Min: 5, Max: 2}, ShipsFrom: "XX",
		Rates: []commerce.RateInput{{To: "domestic", FirstItem: m(-1, "CNY")}, {To: "mars", FirstItem: m(1, "USD")}, {To: "domestic", FirstItem: m(1, "CNY")}}})
	p, _ := problem.As(err)
	want := []string{"processing_days", "ships_from", "rates.0.first_item.amount", "rates.1.to", "rates.1.first_item.currency", "rates.2.to"}
	for _, f := range want {
		if p == nil || p.Fields[f] == "" {
			t.Errorf("%s not named: %+v", f, p)
		}
	}
	_, err = e.c.PutPayments(e.ctx, potter, commerce.PaymentsInput{Stripe: true})
	if p, _ := problem.As(err); p == nil || p.Fields["stripe.enabled"] != "stripe_not_configured" {
		t.Errorf("card payments without a provider: %v", err)
	}
	fan := e.user("fan")
	if _, err := e.c.PutShipping(e.ctx, fan, commerce.ShippingInput{}); kind(err) != problem.KindForbidden {
		t.Errorf("no studio: %v", err)
	}
	sh, err := e.c.Shop(e.ctx, potter.ID)
	if err != nil || !sh.Ships() || sh.Methods()[0] != "offline" || len(sh.Methods()) != 1 {
		t.Errorf("shop %+v %v", sh, err)
	}
	cases := map[string]int64{"CN": 1000 + 500, "JP": 8000 + 2000}
	for country, want := range cases {
		if got, ok := sh.ShippingTo(country, 2, 100); !ok || got != want {
			t.Errorf("to %s: %d %v, want %d", country, got, ok, want)
		}
	}
}

func TestTheAddressBook(t *testing.T) {
	e := mustOpen(t)
	fan := e.user("fan")
	_, err := e.c.AddAddress(e.ctx, fan, commerce.AddressInput{Country: "Narnia", Phone: "call me"})
	p, _ := problem.As(err)
	for _, f := range []string{"name", "country", "city", "line1", "phone"} {
		if p == nil || p.Fields[f] == "" {
			t.Errorf("%s not named: %+v", f, p)
		}
	}
	var fns []func() error
	for range 25 {
		fns = append(fns, func() error {
			_, err := e.c.AddAddress(e.ctx, fan, commerce.AddressInput{Name: "Li", Country: "cn", City: "Hangzhou", Line1: "1 Road", PostalCode: "310000"})
			return err
		})
	}
	full := 0
	for _, err := range contend(fns...) {
		if code(err) == "too_many_addresses" {
			full++
		} else if err != nil {
			t.Error(err)
		}
	}
	book, _ := e.c.Addresses(e.ctx, fan)
	if full != 5 || len(book) != 20 || !book[0].Validated || book[0].Country != "CN" {
		t.Fatalf("refused %d, book %d, first %+v", full, len(book), book[0])
	}
	e.must(e.c.DeleteAddress(e.ctx, fan, book[0].ID))
	e.must(e.c.DeleteAddress(e.ctx, fan, book[0].ID))
	if book, _ := e.c.Addresses(e.ctx, e.user("other")); len(book) != 0 {
		t.Error("someone else sees addresses")
	}
	if book, _ = e.c.Addresses(e.ctx, fan); len(book) != 19 {
		t.Errorf("after delete: %d", len(book))
	}
}

func TestAMakersEditKeepsStockTakenByCheckouts(t *testing.T) {
	e := mustOpen(t)
	fan, potter := e.user("fan"), e.maker("potter")
	o, w := e.order(fan, potter, "offline", 3)
	title := "Renamed bowl"
	edited, err := e.app.Works.Update(e.ctx, potter, w.ID, work.Input{Title: &title})
	if err != nil || edited.Title != title || edited.Stock != 7 {
		t.Fatalf("edit: %+v %v", edited, err)
	}
	if s, holds := e.stock(w.ID); s != 7 || holds[o.ID] != 3 {
		t.Errorf("stock %d holds %v after an edit", s, holds)
	}
	restock := 20
	if _, err := e.app.Works.Update(e.ctx, potter, w.ID, work.Input{Stock: &restock}); err != nil {
		t.Fatal(err)
	}
	if s, holds := e.stock(w.ID); s != 20 || holds[o.ID] != 3 {
		t.Errorf("restock: stock %d holds %v (an absolute count; the hold stays)", s, holds)
	}
}
