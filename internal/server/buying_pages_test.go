package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"guildhall/internal/commerce"
	"guildhall/internal/testrig"
	"guildhall/internal/testrig/browser"
)

// pageOf is where a work's page lives (its short link redirects).
func pageOf(t *testing.T, c *testrig.Client, id string) string {
	t.Helper()
	r := c.Do("GET", "/works/"+id, nil)
	if r.Status != http.StatusMovedPermanently {
		t.Fatalf("short link of %s: %d", id, r.Status)
	}
	return r.Header.Get("Location")
}

// form reads the value of the input named name on a page.
func inputValue(page []byte, name string) string {
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindSubmatch(page)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func TestABuyerFillsTheCartChecksOutAndFollowsTheOrderOnThePages(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "buy_potter")
	readyShop(t, rig, "buy_potter")
	bowl := createWork(t, maker, merge(merge(wallet("published"), "title", "青瓷碗 Celadon bowl"), "variants",
		[]map[string]any{{"name": "大号 Large", "price": map[string]any{"amount": 15900, "currency": "CNY"}}}))
	cup := createWork(t, maker, merge(wallet("published"), "title", "茶杯 Tea cup"))
	gone := createWork(t, maker, merge(merge(wallet("published"), "title", "Sold vase"), "stock", 0))
	fan, stranger := rig.Client(t), rig.Client(t)
	fan.SignUp("buy_fan")
	stranger.SignUp("buy_stranger")
	bowlPage, cupPage := pageOf(t, fan, bowl), pageOf(t, fan, cup)

	steps := numbered(t)
	steps.run(fan, []scenario{
		{Name: "a buyer is offered the cart form with the work's options", Method: "GET", Path: bowlPage + "?lang=en", Status: 200,
			Expected: []string{`data-testid="add-to-cart-form"`, `data-testid="cart-option"`, "大号 Large", "Add to cart"}},
		{Name: "a sold-out work says so and offers no form", Method: "GET", Path: pageOf(t, fan, gone) + "?lang=en", Status: 200,
			Expected: []string{"Sold out", `data-testid="not-for-sale"`}, NotExpected: []string{`data-testid="add-to-cart-form"`}},
		{Name: "a maker sees no buy form on their own work", As: maker, Method: "GET", Path: bowlPage, Status: 200,
			NotExpected: []string{`data-testid="add-to-cart-form"`, `data-testid="not-for-sale"`}},
		{Name: "the cart starts empty", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{`data-testid="cart-empty"`, `data-testid="cart-count">0<`}},
	})
	option := between(string(fan.Do("GET", bowlPage, nil).Body), `<option value="`, `"`)
	if option == "" {
		t.Fatal("the bowl's option has no id on its page")
	}
	add := func(c *testrig.Client, work, option, q string) *testrig.Response {
		return pageForm(t, c, "/cart/items?lang=en", url.Values{"work_id": {work}, "option_id": {option}, "quantity": {q}, "next": {"/cart"}})
	}
	if r := add(fan, bowl, option, "lots"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "<code>quantity</code>") {
		t.Fatalf("a quantity that is not a number: %d %s", r.Status, r.Body)
	}
	if r := add(fan, bowl, option, "0"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "<code>quantity</code>") {
		t.Fatalf("a quantity of 0: %d", r.Status)
	}
	if r := add(maker, bowl, option, "1"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a maker buying their own work: %d", r.Status)
	}
	for _, r := range []*testrig.Response{add(fan, bowl, option, "2"), add(fan, cup, "", "1")} {
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/cart" {
			t.Fatalf("add to cart: %d %s", r.Status, r.Header.Get("Location"))
		}
	}
	if r := add(fan, bowl, option, "3"); r.Status != http.StatusSeeOther {
		t.Fatalf("change the quantity: %d", r.Status)
	}
	steps.run(fan, []scenario{
		{Name: "the cart groups the lines under their maker with shipping to be chosen", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{`data-testid="cart-group-buy_potter"`, "大号 Large", "¥159.00 × 3", "¥477.00", "¥129.00 × 1",
				"Choose an address to see shipping.", `data-testid="cart-count">4<`, `href="/checkout"`}},
		{Name: "the header counts the cart on every page", Method: "GET", Path: cupPage, Status: 200,
			Expected: []string{`data-testid="cart-count">4<`}},
	})
	if r := maker.Do("PATCH", "/api/v1/works/"+cup, map[string]any{"price": map[string]any{"amount": 13900, "currency": "CNY"}}); r.Status != 200 {
		t.Fatalf("reprice: %d %s", r.Status, r.Body)
	}
	steps.run(fan, []scenario{
		{Name: "a price that changed is pointed out", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{`data-testid="cart-line-price-changed"`, "The price changed from ¥129.00 to ¥139.00."}},
	})
	if r := maker.Do("PATCH", "/api/v1/works/"+cup, map[string]any{"status": "draft"}); r.Status != 200 {
		t.Fatalf("unpublish: %d %s", r.Status, r.Body)
	}
	steps.run(fan, []scenario{
		{Name: "a line no longer for sale is pointed out", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{`data-testid="cart-line-unavailable"`}},
	})
	if r := pageForm(t, fan, "/cart/items/remove", url.Values{"work_id": {cup}}); r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.Status)
	}
	steps.run(fan, []scenario{
		{Name: "a removed line is gone", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{"¥477.00", `data-testid="cart-count">3<`}, NotExpected: []string{"Tea cup"}},
		{Name: "checkout asks for an address first", Method: "GET", Path: "/checkout?lang=en", Status: 200,
			Expected: []string{`data-testid="no-address"`, `data-testid="address-form"`, `data-testid="method-offline"`}},
	})
	addr := url.Values{"name": {"李雷"}, "phone": {"+86 138 0000 0000"}, "country": {"CN"}, "region": {"浙江"}, "city": {"杭州"},
		"line1": {"1 West Lake Road"}, "postal_code": {"310000"}}
	addr.Set("country", "ZZ")
	if r := pageForm(t, fan, "/checkout/addresses?lang=en", addr); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), `data-testid="error-country"`) || !strings.Contains(string(r.Body), `value="1 West Lake Road"`) {
		t.Fatalf("an unknown country: %d %s", r.Status, r.Body)
	}
	addr.Set("country", "CN")
	r := pageForm(t, fan, "/checkout/addresses", addr)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/checkout?address=") {
		t.Fatalf("add an address: %d %s", r.Status, r.Header.Get("Location"))
	}
	page := fan.Do("GET", r.Header.Get("Location")+"&lang=en", nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), "¥20.00") || !strings.Contains(string(page.Body), "¥497.00") {
		t.Fatalf("checkout with shipping to the address: %d %s", page.Status, page.Body)
	}
	form := url.Values{"address_id": {inputValue(page.Body, "address_id")}, "payment_method": {"offline"}, "note": {"请包好"},
		"idempotency_key": {inputValue(page.Body, "idempotency_key")}, "expected_amount": {"49600"}, "expected_currency": {"CNY"}}
	if form.Get("idempotency_key") == "" || form.Get("address_id") == "" || inputValue(page.Body, "expected_amount") != "49700" {
		t.Fatalf("the checkout form's hidden fields: %v", form)
	}
	steps.n++
	t.Run("a total that changed shows the page again with the new total", func(t *testing.T) {
		r := pageForm(t, fan, "/checkout?lang=en", form)
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "The new total is ¥497.00.") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		// The page shown again carries a new key: the old one answered this refusal.
		key := inputValue(r.Body, "idempotency_key")
		if key == "" || key == form.Get("idempotency_key") || inputValue(r.Body, "expected_amount") != "49700" {
			t.Fatalf("the page shown again: key %q, total %q", key, inputValue(r.Body, "expected_amount"))
		}
		form.Set("idempotency_key", key)
	})
	form.Set("expected_amount", "49700")
	first, second := pageForm(t, fan, "/checkout", form), pageForm(t, fan, "/checkout", form)
	if first.Status != http.StatusSeeOther || !strings.HasPrefix(first.Header.Get("Location"), "/orders/") ||
		second.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("the form sent twice: %d %s, then %d %s", first.Status, first.Header.Get("Location"), second.Status, second.Header.Get("Location"))
	}
	order := first.Header.Get("Location")
	orders := fan.Do("GET", "/orders?lang=en", nil)
	if n := strings.Count(string(orders.Body), `class="desk-order"`); n != 1 {
		t.Fatalf("the form sent twice made %d orders", n)
	}
	steps.run(fan, []scenario{
		{Name: "the buyer's order shows the lines, amounts, address and how to pay", Method: "GET", Path: order + "?lang=en", Status: 200,
			Expected: []string{"大号 Large", "¥497.00", "1 West Lake Road", "Alipay 138 0000 0000", "请包好", `data-testid="action-paid"`,
				`data-testid="action-cancel"`, "Order placed", `data-testid="cart-count">0<`},
			NotExpected: []string{`data-testid="action-confirm-payment"`, `data-testid="action-ship"`}},
		{Name: "a stranger is told the order does not exist", As: stranger, Method: "GET", Path: order, Status: 404},
		{Name: "a stranger cannot act on it either", As: stranger, Method: "POST", Path: order + "/cancel", Header: html, Status: 404},
	})
	if r := pageForm(t, fan, order+"/paid?lang=en", url.Values{"reference": {""}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), `data-testid="order-error"`) {
		t.Fatalf("paid without a reference: %d %s", r.Status, r.Body)
	}
	if r := pageForm(t, fan, order+"/paid", url.Values{"reference": {"alipay 2026120301"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != order {
		t.Fatalf("paid: %d %s", r.Status, r.Header.Get("Location"))
	}
	steps.run(maker, []scenario{
		{Name: "the maker sees the reported payment and may confirm it", Method: "GET", Path: order + "?lang=en", Status: 200,
			Expected:    []string{"alipay 2026120301", `data-testid="action-confirm-payment"`, "User buy_fan"},
			NotExpected: []string{`data-testid="action-paid"`, `data-testid="action-ship"`}},
	})
	if r := pageForm(t, maker, order+"/confirm-payment", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm payment: %d", r.Status)
	}
	if r := pageForm(t, maker, order+"/ship", url.Values{"carrier": {"顺丰 SF Express"}, "tracking_number": {"SF1234567890"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("ship: %d %s", r.Status, r.Body)
	}
	steps.run(fan, []scenario{
		{Name: "the buyer sees it shipped with its tracking number and may say it arrived", Method: "GET", Path: order + "?lang=en", Status: 200,
			Expected: []string{"SF1234567890", "Shipped", `data-testid="action-received"`}, NotExpected: []string{`data-testid="action-cancel"`}},
		{Name: "the buyer's list shows the order", Method: "GET", Path: "/orders?lang=en", Status: 200,
			Expected: []string{`href="` + order + `"`, "Shipped"}},
	})
}

func TestAVisitorsCartIsKeptInACookieAndJoinsTheAccountAtSignIn(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "cookie_maker")
	readyShop(t, rig, "cookie_maker")
	cup := createWork(t, maker, merge(wallet("published"), "title", "Tea cup"))
	rig.Client(t).SignUp("cookie_fan")
	visitor := rig.Client(t)
	if r := csrfForm(t, rig, visitor, "/cart/items", url.Values{"work_id": {cup}, "quantity": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("a visitor adds to the cart: %d %s", r.Status, r.Body)
	}
	steps := numbered(t)
	steps.run(visitor, []scenario{
		{Name: "the visitor's cart shows the line and the header counts it", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{"Tea cup", "¥258.00", `data-testid="cart-count">2<`, `href="/signin?next=/checkout"`}},
	})
	if r := csrfForm(t, rig, visitor, "/signin", url.Values{"email": {"cookie_fan@example.com"},
		"password": {"a long enough password"}, "next": {"/cart"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.Status)
	}
	steps.run(visitor, []scenario{
		{Name: "signed in, the account's cart holds what the visitor chose", Method: "GET", Path: "/cart?lang=en", Status: 200,
			Expected: []string{"Tea cup", "¥258.00", `data-testid="cart-count">2<`, `href="/checkout"`}},
	})
	u, _ := url.Parse(rig.URL)
	for _, ck := range visitor.HTTP.Jar.Cookies(u) {
		if ck.Name == "guildhall_cart" {
			t.Fatalf("the cart cookie outlived the merge: %q", ck.Value)
		}
	}
}

// signInAs signs in through the sign-in page (signing out first) and
// lands on next.
func (b *tab) signInAs(step, handle, next string) {
	b.t.Helper()
	const form = `form[action="/signin"]`
	if b.count(step, `[data-testid="signout"]`, ".length") > 0 {
		b.do(step+": sign out", b.click(`[data-testid="signout"]`), b.visible(`a[href="/signin"]`))
	}
	b.do(step,
		chromedp.Navigate(b.base+"/signin?lang=en&next="+url.QueryEscape(next)),
		b.visible(form),
		b.typeInto("#email", handle+"@example.com"),
		b.typeInto("#password", "a long enough password"),
		b.click(form+` button[type="submit"]`),
		b.visible(`[data-testid="signout"]`),
	)
	b.at(step, next)
}

func TestInABrowserAVisitorBuysAndTheMakerShips(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "br_potter")
	readyShop(t, rig, "br_potter")
	cup := createWork(t, maker, merge(wallet("published"), "title", "茶杯 Tea cup"))
	rig.Client(t).SignUp("br_fan")
	cupPage := pageOf(t, maker, cup)
	b := &tab{t: t, ctx: browser.MustStart(t), base: rig.URL}

	b.do("a visitor puts the cup in the cart",
		chromedp.Navigate(rig.URL+cupPage+"?lang=en"),
		b.visible(`[data-testid="add-to-cart-form"]`),
		b.typeInto(`[data-testid="cart-quantity"]`, "2"),
		b.click(`[data-testid="add-to-cart"]`),
		b.visible(`[data-testid="cart-line-`+cup+`"]`),
	)
	b.at("the cart", "/cart")
	b.text("the header counts it", `[data-testid="cart-count"]`, "2")
	b.text("the line's total", `[data-testid="cart-line-total"]`, "¥258.00")
	b.do("to check out, sign in", b.click(`[data-testid="signin-to-checkout"]`), b.visible(`form[action="/signin"]`))
	b.signInAs("sign in", "br_fan", "/checkout")
	b.text("the cart joined the account", `[data-testid="cart-count"]`, "2")
	b.do("add an address at checkout",
		b.typeInto("#name", "李雷"),
		b.typeInto("#country", "CN"),
		b.typeInto("#city", "杭州"),
		b.typeInto("#line1", "1 West Lake Road"),
		b.typeInto("#postal_code", "310000"),
		b.click(`[data-testid="save-address"]`),
		b.visible(`[data-testid="checkout-form"] input[name="address_id"]:checked`),
	)
	b.text("shipping to it", `[data-testid="checkout-shipping"]`, "¥15.00")
	b.text("the total", `[data-testid="checkout-total"]`, "¥273.00")
	b.do("place the order, paying offline",
		b.click(`[data-testid="method-offline"]`),
		b.typeInto(`[data-testid="checkout-note"]`, "请包好"),
		b.click(`[data-testid="place-order"]`),
		b.visible(`[data-testid="pay-instructions"]`),
	)
	orderPath := strings.TrimPrefix(b.location("the order"), rig.URL)
	if !strings.HasPrefix(orderPath, "/orders/") {
		t.Fatalf("after checkout at %s, want an order", orderPath)
	}
	b.text("how to pay", `[data-testid="pay-instructions"] p`, "Alipay 138 0000 0000")
	b.text("the cart is empty", `[data-testid="cart-count"]`, "0")
	b.do("report the payment",
		b.typeInto(`[data-testid="reference"]`, "alipay 2026120388"),
		b.click(`[data-testid="do-paid"]`),
		b.visible(`[data-testid="payment-reference"]`),
	)
	b.text("reported", `[data-testid="payment-status"]`, "reported paid, awaiting the maker")

	b.signInAs("the maker signs in", "br_potter", orderPath)
	b.text("the maker sees the reference", `[data-testid="payment-reference"]`, "Payment reference: alipay 2026120388")
	b.do("confirm the payment", b.click(`[data-testid="do-confirm-payment"]`), b.visible(`[data-testid="action-ship"]`))
	b.do("ship it",
		b.typeInto(`[data-testid="carrier"]`, "顺丰 SF Express"),
		b.typeInto(`[data-testid="tracking"]`, "SF1234567890"),
		b.click(`[data-testid="do-ship"]`),
		b.visible(`[data-testid="tracking-number"]`),
	)

	b.signInAs("the buyer comes back", "br_fan", orderPath)
	b.text("shipped", `[data-testid="order-status"]`, "Shipped")
	b.text("with its tracking number", `[data-testid="tracking-number"]`, "SF1234567890")
	b.keepScreenshot("guildhall-order-shipped.png")
}

func TestACheckoutOfAWorkThatRanOutNamesItAndMakesNoOrder(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "last_potter")
	readyShop(t, rig, "last_potter")
	vase := createWork(t, maker, merge(merge(wallet("published"), "title", "Last vase"), "stock", 1))
	late := rig.Client(t)
	late.SignUp("late_fan")
	rig.Client(t).SignUp("quick_fan")
	if r := pageForm(t, late, "/cart/items", url.Values{"work_id": {vase}, "quantity": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add to cart: %d", r.Status)
	}
	if _, err := rig.App.Commerce.AddAddress(context.Background(), userOf(t, rig, "late_fan"), commerce.AddressInput{
		Name: "Han Meimei", Country: "CN", City: "Suzhou", Line1: "2 Canal Street"}); err != nil {
		t.Fatal(err)
	}
	page := late.Do("GET", "/checkout?lang=en", nil)
	placeOrder(t, rig, "quick_fan", "last_potter", vase, false) // the last one goes while the page is open
	r := pageForm(t, late, "/checkout?lang=en", url.Values{"address_id": {inputValue(page.Body, "address_id")},
		"payment_method": {"offline"}, "idempotency_key": {inputValue(page.Body, "idempotency_key")},
		"expected_amount": {inputValue(page.Body, "expected_amount")}, "expected_currency": {"CNY"}})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "Not enough left in stock.") ||
		!strings.Contains(string(r.Body), `data-testid="checkout-short">Last vase<`) {
		t.Fatalf("checkout of a work that ran out: %d %s", r.Status, r.Body)
	}
	if orders := late.Do("GET", "/orders?lang=en", nil); !strings.Contains(string(orders.Body), `data-testid="orders-empty"`) {
		t.Fatalf("a refused checkout made an order: %s", orders.Body)
	}
}

// The cart, checkout and order pages read by _id: the session, the cart,
// the address book, each maker's shop, the order; the cart's works come
// from one search.
func TestTheCartCheckoutAndOrderPagesStayWithinTheirBudget(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "budget_potter")
	readyShop(t, rig, "budget_potter")
	cup := createWork(t, maker, merge(wallet("published"), "title", "Tea cup"))
	fan := rig.Client(t)
	fan.SignUp("budget_fan")
	o := placeOrder(t, rig, "budget_fan", "budget_potter", cup, false)
	if r := pageForm(t, fan, "/cart/items", url.Values{"work_id": {cup}, "quantity": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add to cart: %d", r.Status)
	}
	for _, page := range []struct {
		path             string
		budget, searches int
	}{{"/cart", 5, 1}, {"/checkout", 6, 1}, {o.Path(), 3, 0}} {
		cmds, searches := pageCost(t, rig, page.path, fan.Token)
		t.Logf("the page budget of %s: %d MongoDB commands, %d searches", page.path, len(cmds), searches)
		if len(cmds) > page.budget || searches > page.searches {
			t.Errorf("%s: %d MongoDB commands, %d searches; budget %d and %d: %v", page.path, len(cmds), searches, page.budget, page.searches, names(cmds))
		}
		for _, c := range cmds {
			if !c.ByID() {
				t.Errorf("%s sends %s to %s that is not a lookup by _id: %s", page.path, c.Name, c.Collection, c.Body)
			}
		}
	}
}
