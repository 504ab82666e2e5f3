package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"guildhall/internal/commerce"
	"guildhall/internal/testrig"
)

// openShop opens handle's studio and sets, through the feature (the
// studio's own endpoints are tested with them), shipping from China at
// 10.00 for the first item and 5.00 for each more, and offline payment.
func openShop(t testing.TB, rig *testrig.Rig, handle string) *testrig.Client {
	t.Helper()
	c := openStudio(t, rig, handle)
	ctx := context.Background()
	u, err := rig.App.Accounts.ByHandle(ctx, handle)
	if err != nil {
		t.Fatal(err)
	}
	cny := func(n int64) commerce.Money { return commerce.Money{Amount: n, Currency: "CNY"} }
	if _, err := rig.App.Commerce.PutShipping(ctx, u, commerce.ShippingInput{ProcessingDays: commerce.DayRange{Min: 1, Max: 3},
		ShipsFrom: "CN", Rates: []commerce.RateInput{{To: commerce.ToDomestic, FirstItem: cny(1000), EachAdditional: cny(500)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.App.Commerce.PutPayments(ctx, u, commerce.PaymentsInput{Offline: commerce.OfflineInput{Enabled: true,
		Instructions: "Alipay 138 0000 0000, note your order number"}}); err != nil {
		t.Fatal(err)
	}
	return c
}

// home is a buyer's address; its street must never reach the logs.
var home = map[string]any{"name": "陈小北", "phone": "+86 138 0000 0000", "country": "cn", "region": "浙江",
	"city": "杭州", "line1": "西湖区文三路 90 号 Secretstreet", "postal_code": "310012"}

// buyerWithAddress signs handle up with one address and returns its id.
func buyerWithAddress(t testing.TB, rig *testrig.Rig, handle string) (*testrig.Client, string) {
	t.Helper()
	c := rig.Client(t)
	c.SignUp(handle)
	return c, created(t, c, "/api/v1/me/addresses", home, "address")
}

// checkout posts a checkout with key and answers the response.
func checkout(c *testrig.Client, key string, body map[string]any) *testrig.Response {
	return c.Do("POST", "/api/v1/checkout", body, "Idempotency-Key", key)
}

func cny(n int64) map[string]any { return map[string]any{"amount": n, "currency": "CNY"} }

func TestABuyerKeepsAnAddressBookOnlyTheyCanSee(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	fan, other := rig.Client(t), rig.Client(t)
	fan.SignUp("fan")
	other.SignUp("other")
	steps.run(fan, []scenario{
		{Name: "the book starts empty", Method: "GET", Path: "/api/v1/me/addresses", Status: 200,
			Expected: []string{`"items":[]`, `"total":0`}},
		{Name: "an address names every missing field", Method: "POST", Path: "/api/v1/me/addresses", Body: map[string]any{},
			Status: 422, Expected: []string{`"name":`, `"city":`, `"line1":`, `"country":`}},
		{Name: "a field of the wrong type is named", Method: "POST", Path: "/api/v1/me/addresses", Body: `{"name": 5}`,
			Status: 422, Expected: []string{`"name":"must be a string"`}},
		{Name: "an unknown field is named", Method: "POST", Path: "/api/v1/me/addresses", Body: `{"street": "x"}`,
			Status: 422, Expected: []string{`"street":`}},
		{Name: "a phone of letters is refused", Method: "POST", Path: "/api/v1/me/addresses",
			Body: merge(copyOf(home), "phone", "call me"), Status: 422, Expected: []string{`"phone":`}},
		{Name: "an address is added", Method: "POST", Path: "/api/v1/me/addresses", Body: home, Status: 201,
			Expected: []string{`"address":{"id":`, `"country":"CN"`, `"validated":true`}},
		{Name: "and listed", Method: "GET", Path: "/api/v1/me/addresses", Status: 200,
			Expected: []string{`"total":1`, `Secretstreet`}},
		{Name: "addresses need a session", As: rig.Client(t), Method: "GET", Path: "/api/v1/me/addresses", Status: 401},
	})
	var book struct{ Items []struct{ ID string } }
	fan.Do("GET", "/api/v1/me/addresses", nil).JSON(t, &book)
	id := book.Items[0].ID
	steps.run(other, []scenario{
		{Name: "another user's book does not show it", Method: "GET", Path: "/api/v1/me/addresses", Status: 200,
			Expected: []string{`"total":0`}, NotExpected: []string{"Secretstreet"}},
		{Name: "another user deleting it removes nothing", Method: "DELETE", Path: "/api/v1/me/addresses/" + id, Status: 204},
	})
	steps.run(fan, []scenario{
		{Name: "it is still there", Method: "GET", Path: "/api/v1/me/addresses", Status: 200, Expected: []string{`"total":1`}},
		{Name: "its owner deletes it", Method: "DELETE", Path: "/api/v1/me/addresses/" + id, Status: 204},
		{Name: "deleting again is fine", Method: "DELETE", Path: "/api/v1/me/addresses/" + id, Status: 204},
		{Name: "the book is empty", Method: "GET", Path: "/api/v1/me/addresses", Status: 200, Expected: []string{`"total":0`}},
	})
	if strings.Contains(rig.Logs.String(), "Secretstreet") {
		t.Error("an address reached the logs")
	}
}

func copyOf(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestTheCartGroupsLinesByMakerWithShippingAndRefusesBadLines(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	maker := openShop(t, rig, "potter")
	bowl := createWork(t, maker, wallet("published"))
	sized := createWork(t, maker, merge(wallet("published"), "variants",
		[]map[string]any{{"name": "Large", "price": cny(15900)}}))
	draft := createWork(t, maker, wallet("draft"))
	fan, _ := buyerWithAddress(t, rig, "fan")
	var w struct {
		Work struct{ Variants []struct{ ID string } }
	}
	fan.Do("GET", "/api/v1/works/"+sized, nil).JSON(t, &w)
	large := w.Work.Variants[0].ID
	steps.run(fan, []scenario{
		{Name: "the cart starts empty", Method: "GET", Path: "/api/v1/cart", Status: 200,
			Expected: []string{`"groups":[]`, `"total":null`, `"count":0`}},
		{Name: "a quantity of zero is refused", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: map[string]any{"quantity": 0}, Status: 422, Expected: []string{`"quantity":`}},
		{Name: "a hundred is too many", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: map[string]any{"quantity": 100}, Status: 422, Expected: []string{`"quantity":`}},
		{Name: "a quantity must be a number", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: `{"quantity": "two"}`, Status: 422, Expected: []string{`"quantity":"must be a number"`}},
		{Name: "an option the work lacks is refused", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: map[string]any{"quantity": 1, "option": "v9"}, Status: 422, Expected: []string{`"option":`}},
		{Name: "a work with options needs one", Method: "PUT", Path: "/api/v1/cart/items/" + sized,
			Body: map[string]any{"quantity": 1}, Status: 422, Expected: []string{`"option":`}},
		{Name: "a draft is not there to buy", Method: "PUT", Path: "/api/v1/cart/items/" + draft,
			Body: map[string]any{"quantity": 1}, Status: 404},
		{Name: "an unknown work is a 404", Method: "PUT", Path: "/api/v1/cart/items/nosuchwork",
			Body: map[string]any{"quantity": 1}, Status: 404},
		{Name: "two of a work go in, priced with shipping to the first address", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: map[string]any{"quantity": 2}, Status: 200,
			Expected: []string{`"cart":{"groups":[{"maker":{`, `"handle":"potter"`, `"quantity":2`,
				`"line_total":{"amount":25800,"currency":"CNY"}`, `"shipping":{"amount":1500,"currency":"CNY"}`,
				`"total":{"amount":27300,"currency":"CNY"}`, `"available":true`, `"payment_methods":["offline"]`, `"country":"CN"`}},
		{Name: "an option is a line of its own", Method: "PUT", Path: "/api/v1/cart/items/" + sized,
			Body: map[string]any{"quantity": 1, "option": large}, Status: 200,
			Expected: []string{`"option":"` + large + `"`, `"option_name":"Large"`, `"count":3`,
				`"shipping":{"amount":2000,"currency":"CNY"}`}},
		{Name: "putting again sets the quantity", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: map[string]any{"quantity": 1}, Status: 200, Expected: []string{`"count":2`}},
		{Name: "removing the option's line", Method: "DELETE", Path: "/api/v1/cart/items/" + sized + "?option=" + large, Status: 204},
		{Name: "removing it again is fine", Method: "DELETE", Path: "/api/v1/cart/items/" + sized + "?option=" + large, Status: 204},
		{Name: "one line is left", Method: "GET", Path: "/api/v1/cart", Status: 200,
			Expected: []string{`"count":1`, `"total":{"amount":13900,"currency":"CNY"}`}, NotExpected: []string{large}},
		{Name: "the cart needs a session", As: rig.Client(t), Method: "GET", Path: "/api/v1/cart", Status: 401},
	})
	steps.run(maker, []scenario{
		{Name: "a maker cannot put their own work in a cart", Method: "PUT", Path: "/api/v1/cart/items/" + bowl,
			Body: map[string]any{"quantity": 1}, Status: 422, Expected: []string{`"code":"own_work"`, `"work_id":`}},
	})
}

// orderOf is the one order a checkout answer made.
func orderOf(t *testing.T, r *testrig.Response) string {
	t.Helper()
	var out struct{ Orders []struct{ ID string } }
	r.JSON(t, &out)
	if len(out.Orders) != 1 {
		t.Fatalf("want one order: %s", r.Body)
	}
	return out.Orders[0].ID
}

// potterAndFan starts a rig with potter's shop selling a bowl (stock 3)
// and fan, a buyer with one address.
func potterAndFan(t *testing.T) (rig *testrig.Rig, maker *testrig.Client, bowl string, fan *testrig.Client, addr string) {
	t.Helper()
	rig = testrig.MustStart(t)
	maker = openShop(t, rig, "potter")
	bowl = createWork(t, maker, wallet("published"))
	fan, addr = buyerWithAddress(t, rig, "fan")
	return rig, maker, bowl, fan, addr
}

// checkoutOffline checks out fan's cart offline and answers the one order's id.
func checkoutOffline(t *testing.T, fan *testrig.Client, key, addr string) string {
	t.Helper()
	r := checkout(fan, key, map[string]any{"address_id": addr, "payment_method": "offline"})
	if r.Status != http.StatusCreated {
		t.Fatalf("checkout: %d %s", r.Status, r.Body)
	}
	return orderOf(t, r)
}

func TestCheckoutNeedsAKeyAndAnswersARepeatTheSame(t *testing.T) {
	steps := numbered(t)
	_, _, bowl, fan, addr := potterAndFan(t)
	buy := map[string]any{"address_id": addr, "payment_method": "offline", "note": "gift wrap please"}
	steps.run(fan, []scenario{
		{Name: "an empty cart cannot be checked out", Method: "POST", Path: "/api/v1/checkout", Body: buy,
			Header: []string{"Idempotency-Key", "empty-1"}, Status: 422, Expected: []string{`"code":"cart_empty"`}},
		{Name: "two bowls go in the cart", Method: "PUT", Path: "/api/v1/cart/items/" + bowl, Body: map[string]any{"quantity": 2}, Status: 200},
		{Name: "a checkout without a key is a 400 naming it", Method: "POST", Path: "/api/v1/checkout", Body: buy, Status: 400,
			Expected: []string{`"code":"idempotency_key_required"`, `"Idempotency-Key":`}},
		{Name: "a key of control characters is a 400", Method: "POST", Path: "/api/v1/checkout", Body: buy,
			Header: []string{"Idempotency-Key", strings.Repeat("k", 256)}, Status: 400, Expected: []string{`"code":"idempotency_key_invalid"`}},
		{Name: "every missing field is named", Method: "POST", Path: "/api/v1/checkout", Body: map[string]any{"payment_method": "cash"},
			Header: []string{"Idempotency-Key", "bad-1"}, Status: 422, Expected: []string{`"address_id":`, `"payment_method":`}},
		{Name: "an address of someone else's is unknown", Method: "POST", Path: "/api/v1/checkout",
			Body: merge(copyOf(buy), "address_id", "nosuchaddress"), Header: []string{"Idempotency-Key", "bad-2"}, Status: 422,
			Expected: []string{`"address_id":`}},
		{Name: "a total other than today's is a 409 with the new total", Method: "POST", Path: "/api/v1/checkout",
			Body: merge(copyOf(buy), "expected_total", cny(25800)), Header: []string{"Idempotency-Key", "old-price"}, Status: 409,
			Expected: []string{`"code":"price_changed"`, `"total":{"amount":27300,"currency":"CNY"}`, `"expected_total":`}},
		{Name: "nothing was ordered", Method: "GET", Path: "/api/v1/orders", Status: 200, Expected: []string{`"total":0`}},
	})
	paid := merge(copyOf(buy), "expected_total", cny(27300))
	first := checkout(fan, "key-1", paid)
	if first.Status != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first checkout: %d %v %s", first.Status, first.Header, first.Body)
	}
	id := orderOf(t, first)
	for _, want := range []string{`"status":"pending_payment"`, `"total":{"amount":27300,"currency":"CNY"}`, `"method":"offline"`} {
		if !strings.Contains(string(first.Body), want) {
			t.Errorf("checkout answer lacks %s: %s", want, first.Body)
		}
	}
	t.Run("a repeat with the same key and body is the first answer, replayed", func(t *testing.T) {
		again := checkout(fan, "key-1", paid)
		if again.Status != http.StatusCreated || again.Header.Get("Idempotent-Replayed") != "true" || orderOf(t, again) != id {
			t.Fatalf("repeat: %d %v %s", again.Status, again.Header, again.Body)
		}
	})
	t.Run("a repeated refusal is replayed too", func(t *testing.T) {
		again := checkout(fan, "old-price", merge(copyOf(buy), "expected_total", cny(25800)))
		if again.Status != http.StatusConflict || again.Header.Get("Idempotent-Replayed") != "true" ||
			!strings.Contains(string(again.Body), `"total":{"amount":27300`) {
			t.Fatalf("repeat of a refusal: %d %v %s", again.Status, again.Header, again.Body)
		}
	})
	steps.run(fan, []scenario{
		{Name: "the same key with another body is refused", Method: "POST", Path: "/api/v1/checkout",
			Body: merge(copyOf(paid), "note", "no wrapping"), Header: []string{"Idempotency-Key", "key-1"}, Status: 422,
			Expected: []string{`"code":"idempotency_key_reused"`, `"Idempotency-Key":`}},
		{Name: "the bought lines left the cart", Method: "GET", Path: "/api/v1/cart", Status: 200, Expected: []string{`"count":0`}},
		{Name: "one order was made", Method: "GET", Path: "/api/v1/orders", Status: 200,
			Expected: []string{`"total":1`, `"id":"` + id + `"`, `"to_pay":1`}},
		{Name: "the stock was taken", Method: "GET", Path: "/api/v1/works/" + bowl, Status: 200, Expected: []string{`"stock":1`}},
	})
}

func TestAnOfflineOrderGoesFromCartToReceiptAndOnlyItsPartiesMayTouchIt(t *testing.T) {
	steps := numbered(t)
	rig, maker, bowl, fan, addr := potterAndFan(t)
	nosy := rig.Client(t)
	nosy.SignUp("nosy")
	steps.run(fan, []scenario{
		{Name: "a bowl goes in the cart", Method: "PUT", Path: "/api/v1/cart/items/" + bowl, Body: map[string]any{"quantity": 1}, Status: 200},
	})
	id := checkoutOffline(t, fan, "flow-1", addr)
	order, act := "/api/v1/orders/"+id, "/api/v1/orders/"+id+"/"
	steps.run(nosy, []scenario{
		{Name: "a stranger is told the order does not exist", Method: "GET", Path: order, Status: 404,
			NotExpected: []string{"Secretstreet"}},
		{Name: "nor may act on it", Method: "POST", Path: act + "cancel", Status: 404},
		{Name: "and does not list it", Method: "GET", Path: "/api/v1/orders", Status: 200, Expected: []string{`"total":0`}},
		{Name: "nor sees it as its maker", Method: "GET", Path: "/api/v1/orders?role=maker", Status: 200, Expected: []string{`"total":0`}},
	})
	steps.run(fan, []scenario{
		{Name: "the buyer sees the order with the maker's instructions", Method: "GET", Path: order, Status: 200,
			Expected: []string{`"status":"pending_payment"`, `"instructions":"Alipay 138 0000 0000`, `"shipping_address":{`,
				`Secretstreet`, `"amounts":{"subtotal":{"amount":12900,"currency":"CNY"},"shipping":{"amount":1000,"currency":"CNY"},"total":{"amount":13900`,
				`"expires_at":"`, `"protection_ends_at":null`}},
		{Name: "a bad role is named", Method: "GET", Path: "/api/v1/orders?role=boss", Status: 422, Expected: []string{`"role":`}},
		{Name: "a bad status is named", Method: "GET", Path: "/api/v1/orders?status=lost", Status: 422, Expected: []string{`"status":`}},
		{Name: "a bad limit is named", Method: "GET", Path: "/api/v1/orders?limit=lots", Status: 422, Expected: []string{`"limit":`}},
		{Name: "the buyer lists it to pay", Method: "GET", Path: "/api/v1/orders?status=pending_payment", Status: 200,
			Expected: []string{`"id":"` + id + `"`}},
		{Name: "an action people do not take is unknown", Method: "POST", Path: act + "complete", Status: 422,
			Expected: []string{`"action":`}},
		{Name: "the buyer cannot confirm their own payment", Method: "POST", Path: act + "confirm-payment", Status: 403},
		{Name: "the buyer cannot ship", Method: "POST", Path: act + "ship",
			Body: map[string]any{"carrier": "SF", "tracking_number": "1"}, Status: 403},
		{Name: "the unshipped order cannot be received", Method: "POST", Path: act + "received", Status: 409,
			Expected: []string{`"code":"invalid_transition"`, `"status":"pending_payment"`}},
		{Name: "reporting a payment needs its reference", Method: "POST", Path: act + "paid", Body: map[string]any{}, Status: 422,
			Expected: []string{`"reference":`}},
		{Name: "the buyer reports the payment", Method: "POST", Path: act + "paid", Body: map[string]any{"reference": "ALI-2026-001"},
			Status: 200, Expected: []string{`"status":"pending_payment"`, `"status":"reported"`, `"reference":"ALI-2026-001"`}},
	})
	steps.run(maker, []scenario{
		{Name: "the maker sees the order on the desk", Method: "GET", Path: "/api/v1/orders?role=maker&q=" + "fan", Status: 200,
			Expected: []string{`"id":"` + id + `"`}},
		{Name: "the maker sees the address to ship to", Method: "GET", Path: order, Status: 200, Expected: []string{`Secretstreet`}},
		{Name: "an unpaid order cannot ship", Method: "POST", Path: act + "ship",
			Body: map[string]any{"carrier": "SF", "tracking_number": "SF123"}, Status: 409,
			Expected: []string{`"code":"invalid_transition"`, `"status":"pending_payment"`}},
		{Name: "the maker cannot say it was received", Method: "POST", Path: act + "received", Status: 403},
		{Name: "the maker confirms the money arrived", Method: "POST", Path: act + "confirm-payment", Status: 200,
			Expected: []string{`"status":"paid"`, `"status":"succeeded"`, `"paid_at":"`}},
		{Name: "confirming twice is an invalid transition", Method: "POST", Path: act + "confirm-payment", Status: 409,
			Expected: []string{`"status":"paid"`}},
		{Name: "shipping needs a carrier and a tracking number", Method: "POST", Path: act + "ship", Status: 422,
			Expected: []string{`"carrier":`, `"tracking_number":`}},
		{Name: "the maker ships", Method: "POST", Path: act + "ship",
			Body: map[string]any{"carrier": "顺丰 SF Express", "tracking_number": "SF1234567890"}, Status: 200,
			Expected: []string{`"status":"shipped"`, `"carrier":"顺丰 SF Express"`, `"tracking_number":"SF1234567890"`}},
	})
	steps.run(fan, []scenario{
		{Name: "a shipped order cannot be cancelled", Method: "POST", Path: act + "cancel", Body: map[string]any{"reason": "changed my mind"},
			Status: 409, Expected: []string{`"status":"shipped"`}},
		{Name: "the buyer receives it", Method: "POST", Path: act + "received", Status: 200,
			Expected: []string{`"status":"delivered"`, `"delivered_at":"`}},
		{Name: "receiving twice is an invalid transition", Method: "POST", Path: act + "received", Status: 409,
			Expected: []string{`"status":"delivered"`}},
		{Name: "the history tells every step, by whom", Method: "GET", Path: order, Status: 200,
			Expected: []string{
				`"action":"place","from":"","to":"pending_payment","by":{"id":`,
				`"action":"paid","from":"pending_payment","to":"pending_payment"`,
				`"action":"confirm-payment","from":"pending_payment","to":"paid","by":{"id":`,
				`"action":"ship","from":"paid","to":"shipped"`,
				`"action":"received","from":"shipped","to":"delivered","by":{"id":`,
				`"handle":"potter","party":"maker"`, `"handle":"fan","party":"buyer"`}},
		{Name: "it counts as completed on the list", Method: "GET", Path: "/api/v1/orders?status=completed", Status: 200,
			Expected: []string{`"id":"` + id + `"`, `"status":"delivered"`}},
		{Name: "the sale is counted on the work", Method: "GET", Path: "/api/v1/works/" + bowl, Status: 200,
			Expected: []string{`"sales":1`, `"stock":2`}},
	})
	var o struct {
		Order struct {
			History          []struct{ At time.Time }
			ProtectionEndsAt *string `json:"protection_ends_at"`
		}
	}
	fan.Do("GET", order, nil).JSON(t, &o)
	if len(o.Order.History) != 5 || o.Order.ProtectionEndsAt == nil {
		t.Errorf("five events and protection after receipt: %+v", o.Order)
	}
	for i := 1; i < len(o.Order.History); i++ {
		if o.Order.History[i].At.Before(o.Order.History[i-1].At) { // as times: JSON trims their trailing zeros
			t.Errorf("history out of order: %+v", o.Order.History)
		}
	}
	if strings.Contains(rig.Logs.String(), "Secretstreet") {
		t.Error("an address reached the logs")
	}
}

func TestAnOrderCancelledBeforePaymentGivesItsStockBack(t *testing.T) {
	steps := numbered(t)
	_, maker, bowl, fan, addr := potterAndFan(t)
	fan.Do("PUT", "/api/v1/cart/items/"+bowl, map[string]any{"quantity": 3})
	act := "/api/v1/orders/" + checkoutOffline(t, fan, "cancel-1", addr) + "/"
	steps.run(fan, []scenario{
		{Name: "the stock is all taken", Method: "GET", Path: "/api/v1/works/" + bowl, Status: 200, Expected: []string{`"stock":0`}},
		{Name: "no refund can arrive for an order never paid", Method: "POST", Path: act + "refund-received", Status: 409,
			Expected: []string{`"code":"invalid_transition"`}},
		{Name: "a reason longer than 500 characters is refused", Method: "POST", Path: act + "cancel",
			Body: map[string]any{"reason": strings.Repeat("x", 501)}, Status: 422, Expected: []string{`"reason":`}},
		{Name: "the buyer cancels", Method: "POST", Path: act + "cancel", Body: map[string]any{"reason": "ordered twice"}, Status: 200,
			Expected: []string{`"status":"cancelled"`, `"cancel_reason":"ordered twice"`, `"note":"ordered twice"`}},
		{Name: "the stock came back", Method: "GET", Path: "/api/v1/works/" + bowl, Status: 200, Expected: []string{`"stock":3`}},
		{Name: "it is listed as cancelled", Method: "GET", Path: "/api/v1/orders?status=cancelled", Status: 200,
			Expected: []string{`"total":1`}},
		{Name: "a cancelled order cannot be cancelled again", Method: "POST", Path: act + "cancel", Status: 409,
			Expected: []string{`"status":"cancelled"`}},
		{Name: "the bowl goes in the cart again", Method: "PUT", Path: "/api/v1/cart/items/" + bowl, Body: map[string]any{"quantity": 1}, Status: 200},
	})
	// A second order is paid offline, then cancelled by the maker: the
	// money must come back, and the buyer says when it has.
	act = "/api/v1/orders/" + checkoutOffline(t, fan, "cancel-2", addr) + "/"
	steps.run(fan, []scenario{
		{Name: "the buyer reports paying", Method: "POST", Path: act + "paid", Body: map[string]any{"reference": "BANK-77"}, Status: 200},
	})
	steps.run(maker, []scenario{
		{Name: "the maker cancels a reported payment", Method: "POST", Path: act + "cancel", Body: map[string]any{"reason": "cracked in the kiln"},
			Status: 200, Expected: []string{`"status":"cancelled"`, `"status":"refund_pending"`}},
		{Name: "the maker cannot say the refund arrived", Method: "POST", Path: act + "refund-received", Status: 403},
	})
	steps.run(fan, []scenario{
		{Name: "the buyer says the refund arrived", Method: "POST", Path: act + "refund-received", Status: 200,
			Expected: []string{`"status":"cancelled"`, `"status":"refunded"`}},
		{Name: "and cannot say it twice", Method: "POST", Path: act + "refund-received", Status: 409,
			Expected: []string{`"code":"invalid_transition"`}},
	})
}

func TestAdminsSeeEveryOrderAndVisitorsNone(t *testing.T) {
	steps := numbered(t)
	rig, _, bowl, fan, addr := potterAndFan(t)
	fan.Do("PUT", "/api/v1/cart/items/"+bowl, map[string]any{"quantity": 1})
	steps.run(fan, []scenario{
		{Name: "a card payment no maker takes is refused", Method: "POST", Path: "/api/v1/checkout",
			Body: map[string]any{"address_id": addr, "payment_method": "stripe"}, Header: []string{"Idempotency-Key", "card-1"},
			Status: 422, Expected: []string{`"payment_method":`}},
	})
	order := "/api/v1/orders/" + checkoutOffline(t, fan, "admin-1", addr)
	admin := rig.Client(t)
	admin.SignUp("boss")
	if _, err := rig.App.Accounts.ChangeRoles(context.Background(), "boss", []string{"admin"}, nil); err != nil {
		t.Fatal(err)
	}
	visitor := rig.Client(t)
	steps.run(admin, []scenario{
		{Name: "an admin sees the order with its address", Method: "GET", Path: order, Status: 200,
			Expected: []string{`"status":"pending_payment"`, `Secretstreet`}},
		{Name: "an admin cannot report the buyer's payment", Method: "POST", Path: order + "/paid",
			Body: map[string]any{"reference": "x"}, Status: 403},
		{Name: "an admin may cancel it", Method: "POST", Path: order + "/cancel", Body: map[string]any{"reason": "fraud report"}, Status: 200,
			Expected: []string{`"party":"admin"`, `"to":"cancelled"`}},
		{Name: "a visitor must sign in to see orders", As: visitor, Method: "GET", Path: order, Status: 401},
		{Name: "or to check out", As: visitor, Method: "POST", Path: "/api/v1/checkout",
			Body: map[string]any{"address_id": addr, "payment_method": "offline"}, Header: []string{"Idempotency-Key", "v-1"}, Status: 401},
	})
}

func TestTwoBuyersOfTheLastOneGetOneOrderBetweenThem(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openShop(t, rig, "potter")
	last := createWork(t, maker, merge(wallet("published"), "stock", 1))
	type buyer struct {
		c    *testrig.Client
		addr string
	}
	var buyers []buyer
	for i := range 2 {
		c, addr := buyerWithAddress(t, rig, fmt.Sprintf("fan%d", i))
		if r := c.Do("PUT", "/api/v1/cart/items/"+last, map[string]any{"quantity": 1}); r.Status != http.StatusOK {
			t.Fatalf("add to cart: %d %s", r.Status, r.Body)
		}
		buyers = append(buyers, buyer{c, addr})
	}
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	answers := make([]*testrig.Response, len(buyers))
	for i, b := range buyers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			answers[i] = checkout(b.c, "race", map[string]any{"address_id": b.addr, "payment_method": "offline"})
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	won, lost := 0, 0
	for _, a := range answers {
		switch {
		case a.Status == http.StatusCreated:
			won++
		case a.Status == http.StatusConflict && strings.Contains(string(a.Body), `"code":"out_of_stock"`) &&
			strings.Contains(string(a.Body), `"work_ids":["`+last+`"]`):
			lost++
		default:
			t.Errorf("unexpected answer: %d %s", a.Status, a.Body)
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("want one order and one out_of_stock, got %d and %d", won, lost)
	}
	if r := maker.Do("GET", "/api/v1/works/"+last, nil); !strings.Contains(string(r.Body), `"stock":0`) {
		t.Errorf("the stock after the race: %s", r.Body)
	}
	if r := maker.Do("GET", "/api/v1/orders?role=maker", nil); !strings.Contains(string(r.Body), `"total":1`) {
		t.Errorf("the maker's orders after the race: %s", r.Body)
	}
}
