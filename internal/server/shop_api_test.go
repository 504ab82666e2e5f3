package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/color"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"
	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/payment"
	"guildhall/internal/payment/stripe/stripemocktest"
	"guildhall/internal/testrig"
)

// shopUser reads a signed-up user as the features see them.
func shopUser(t testing.TB, rig *testrig.Rig, handle string) *account.User {
	t.Helper()
	u, err := rig.App.Accounts.ByHandle(context.Background(), handle)
	if err != nil {
		t.Fatalf("user %s: %v", handle, err)
	}
	return u
}

// shopReady opens handle's studio with a published work of stock 10, a
// shipping profile from China and offline payment (card too, when the
// site has Stripe), all through the API; it returns the maker and the work.
func shopReady(t *testing.T, rig *testrig.Rig, handle string, card bool) (*testrig.Client, string) {
	t.Helper()
	maker := openStudio(t, rig, handle)
	workID := createWork(t, maker, merge(wallet("published"), "stock", 10))
	if r := maker.Do("PUT", "/api/v1/me/studio/shipping", shipping(nil)); r.Status != http.StatusOK {
		t.Fatalf("shipping: %d %s", r.Status, r.Body)
	}
	if r := maker.Do("PUT", "/api/v1/me/studio/payments", map[string]any{
		"offline": map[string]any{"enabled": true, "instructions": "Alipay 138 0000 0000"}, "stripe": map[string]any{"enabled": card}}); r.Status != http.StatusOK {
		t.Fatalf("payments: %d %s", r.Status, r.Body)
	}
	return maker, workID
}

// shipping is a good shipping profile, changed by set.
func shipping(set map[string]any) map[string]any {
	cny := func(a int64) map[string]any { return map[string]any{"amount": a, "currency": "CNY"} }
	body := map[string]any{"processing_days": map[string]any{"min": 1, "max": 3}, "ships_from": "CN",
		"rates": []any{map[string]any{"to": "domestic", "first_item": cny(1000), "each_additional": cny(500)},
			map[string]any{"to": "international", "first_item": cny(8000), "each_additional": cny(3000)}},
		"free_over": cny(20000)}
	for k, v := range set {
		body[k] = v
	}
	return body
}

var shopCheckouts atomic.Int64

// shopCheckout has buyer check one of workID out by method through the
// feature (the checkout API is another's); paid, an offline order is
// reported paid by the buyer and confirmed by its maker.
func shopCheckout(t *testing.T, rig *testrig.Rig, buyer, maker, workID, method string, paid bool) *commerce.CheckoutResult {
	t.Helper()
	ctx, c, u := context.Background(), rig.App.Commerce, shopUser(t, rig, buyer)
	book, err := c.Addresses(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(book) == 0 {
		a, err := c.AddAddress(ctx, u, commerce.AddressInput{Name: "李雷", Phone: "138 0000 0000", Country: "CN",
			Region: "浙江", City: "杭州", Line1: "1 West Lake Road", PostalCode: "310000"})
		if err != nil {
			t.Fatal(err)
		}
		book = append(book, *a)
	}
	if err := c.SetCartItem(ctx, u, workID, "", 1); err != nil {
		t.Fatal(err)
	}
	res, err := c.Checkout(ctx, u, commerce.CheckoutInput{Key: fmt.Sprintf("shop-%d", shopCheckouts.Add(1)),
		AddressID: book[0].ID, PaymentMethod: method})
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	if paid {
		id := res.Orders[0].ID
		if _, err := c.Act(ctx, u, id, commerce.ActionPay, commerce.ActInput{Reference: "alipay 2026120312"}); err != nil {
			t.Fatalf("report payment: %v", err)
		}
		if _, err := c.Act(ctx, shopUser(t, rig, maker), id, commerce.ActionConfirmPayment, commerce.ActInput{}); err != nil {
			t.Fatalf("confirm payment: %v", err)
		}
	}
	return res
}

func orderStatus(t *testing.T, rig *testrig.Rig, viewer, id string) *commerce.Order {
	t.Helper()
	o, err := rig.App.Commerce.Order(context.Background(), shopUser(t, rig, viewer), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestAMakerSetsShippingAndPaymentsAndEveryBadFieldIsNamed(t *testing.T) {
	rig := testrig.MustStart(t)
	fan, anon := rig.Client(t), rig.Client(t)
	fan.SignUp("shop_fan")
	maker := openStudio(t, rig, "shop_potter")
	rate := func(to string, first, each int64, currency string) map[string]any {
		return map[string]any{"to": to, "first_item": map[string]any{"amount": first, "currency": currency},
			"each_additional": map[string]any{"amount": each, "currency": currency}}
	}
	var qr struct{ ID string }
	maker.Upload("qr.png", testrig.PNG(t, 300, 300, color.RGBA{1, 2, 3, 255})).JSON(t, &qr)
	steps := numbered(t)
	steps.run(maker, []scenario{
		{Name: "a shipping profile is saved and answered in the shop's currency", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(nil), Status: 200, Expected: []string{`"shipping":{"currency":"CNY"`, `"processing_days":{"min":1,"max":3}`,
				`{"to":"domestic","first_item":{"amount":1000,"currency":"CNY"},"each_additional":{"amount":500,"currency":"CNY"}}`,
				`"free_over":{"amount":20000,"currency":"CNY"}`, `"ships_from":"CN"`}},
		{Name: "a country may be written in lower case and a rate without free shipping", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body:   shipping(map[string]any{"ships_from": "cn", "free_over": nil, "rates": []any{rate("jp", 3000, 0, "CNY")}}),
			Status: 200, Expected: []string{`"ships_from":"CN"`, `"to":"JP"`, `"free_over":null`}},
		{Name: "an unknown country to ship from is refused by name", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"ships_from": "XX"}), Status: 422, Expected: []string{`"ships_from":`}},
		{Name: "an unknown destination names its rate", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"rates": []any{rate("ZZ", 1000, 0, "CNY")}}), Status: 422, Expected: []string{`"rates.0.to":`}},
		{Name: "more days at least than at most are refused", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"processing_days": map[string]any{"min": 5, "max": 2}}), Status: 422,
			Expected: []string{`"processing_days":`}},
		{Name: "a negative amount is refused by name", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"rates": []any{rate("domestic", -100, 0, "CNY")}}), Status: 422,
			Expected: []string{`"rates.0.first_item.amount":`}},
		{Name: "a negative free-shipping threshold is refused by name", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"free_over": map[string]any{"amount": -1, "currency": "CNY"}}), Status: 422,
			Expected: []string{`"free_over.amount":`}},
		{Name: "rates in two currencies are refused at the second", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"rates": []any{rate("domestic", 1000, 0, "CNY"), rate("US", 2000, 0, "USD")}}), Status: 422,
			Expected: []string{`"rates.1.first_item.currency":`}},
		{Name: "a shop that ships nowhere is refused", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"rates": []any{}}), Status: 422, Expected: []string{`"rates":`}},
		{Name: "a field of the wrong type is named", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"processing_days": "3"}), Status: 422, Expected: []string{`"processing_days":`}},
		{Name: "an unknown field is named", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(map[string]any{"shipsfrom": "CN"}), Status: 422, Expected: []string{`"shipsfrom":`}},
		{Name: "offline payment with instructions is saved and offered", Method: "PUT", Path: "/api/v1/me/studio/payments",
			Body: map[string]any{"offline": map[string]any{"enabled": true, "instructions": "  Alipay 138 0000 0000  "}}, Status: 200,
			Expected: []string{`"offline":{"enabled":true,"instructions":"Alipay 138 0000 0000"`, `"stripe":{"enabled":false}`,
				`"methods":["offline"]`}},
		{Name: "offline payment needs instructions or a QR code", Method: "PUT", Path: "/api/v1/me/studio/payments",
			Body: map[string]any{"offline": map[string]any{"enabled": true}}, Status: 422, Expected: []string{`"offline.instructions":`}},
		{Name: "an uploaded QR code to pay by is attached and shown", Method: "PUT", Path: "/api/v1/me/studio/payments",
			Body: map[string]any{"offline": map[string]any{"enabled": true, "qr_media_id": qr.ID}}, Status: 200,
			Expected: []string{`"qr_media_id":"` + qr.ID + `"`, `"qr_url":"/media/`}},
		{Name: "a QR code never uploaded is refused by name", Method: "PUT", Path: "/api/v1/me/studio/payments",
			Body: map[string]any{"offline": map[string]any{"enabled": true, "qr_media_id": "m_nosuch"}}, Status: 422,
			Expected: []string{`"offline.qr_media_id":`}},
		{Name: "card payments cannot be enabled where the site has no Stripe", Method: "PUT", Path: "/api/v1/me/studio/payments",
			Body:   map[string]any{"offline": map[string]any{"enabled": true, "instructions": "Alipay"}, "stripe": map[string]any{"enabled": true}},
			Status: 422, Expected: []string{`"stripe.enabled":"Card payments are not available on this site."`}},
	})
	steps.run(fan, []scenario{
		{Name: "someone without a studio has no shipping to set", Method: "PUT", Path: "/api/v1/me/studio/shipping",
			Body: shipping(nil), Status: 403, Expected: []string{`"open_a_studio_first"`}},
		{Name: "nor payments", Method: "PUT", Path: "/api/v1/me/studio/payments",
			Body: map[string]any{"offline": map[string]any{"enabled": true, "instructions": "Alipay"}}, Status: 403},
		{Name: "nor orders to ship", Method: "POST", Path: "/api/v1/studio/orders/shipments",
			Body: []map[string]string{{"order_id": "o_1", "carrier": "SF", "tracking_number": "SF1"}}, Status: 403,
			Expected: []string{`"open_a_studio_first"`}},
		{Name: "nor orders to export", Method: "GET", Path: "/api/v1/studio/orders.csv", Status: 403,
			Expected: []string{`"open_a_studio_first"`}},
	})
	steps.run(anon, []scenario{
		{Name: "a visitor is asked to sign in", Method: "PUT", Path: "/api/v1/me/studio/shipping", Body: shipping(nil), Status: 401},
		{Name: "and has no export", Method: "GET", Path: "/api/v1/studio/orders.csv", Status: 401},
		{Name: "a site without Stripe has no Stripe webhook", Method: "POST", Path: "/api/v1/payments/stripe/webhook",
			Body: `{"id":"evt_1"}`, Header: []string{"Stripe-Signature", "t=1,v1=00"}, Status: 404},
	})
}

type shipResult struct {
	OrderID string `json:"order_id"`
	Status  string `json:"status"`
	Error   *struct {
		Code   string            `json:"code"`
		Fields map[string]string `json:"fields"`
	} `json:"error"`
}

// shipmentsUpload posts a CSV file as the multipart field "file".
func shipmentsUpload(t *testing.T, c *testrig.Client, file string) *testrig.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "shipments.csv")
	_, _ = fw.Write([]byte(file))
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.BaseURL()+"/api/v1/studio/orders/shipments", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req)
}

func TestShipmentsInBulkShipEveryGoodLineAndSayWhyEachBadOneDidNot(t *testing.T) {
	rig := testrig.MustStart(t)
	maker, potWork := shopReady(t, rig, "bulk_potter", false)
	_, weaveWork := shopReady(t, rig, "bulk_weaver", false)
	buyer := rig.Client(t)
	buyer.SignUp("bulk_fan")
	paid := func(maker, work string) string {
		return shopCheckout(t, rig, "bulk_fan", maker, work, payment.MethodOffline, true).Orders[0].ID
	}
	first, second, third, fourth := paid("bulk_potter", potWork), paid("bulk_potter", potWork), paid("bulk_potter", potWork), paid("bulk_potter", potWork)
	theirs := paid("bulk_weaver", weaveWork)
	unpaid := shopCheckout(t, rig, "bulk_fan", "bulk_potter", potWork, payment.MethodOffline, false).Orders[0].ID
	steps := numbered(t)

	type want struct{ id, status, code, field string }
	cases := []struct {
		name string
		send func() *testrig.Response
		want []want
	}{
		{"a JSON batch ships its good lines past an unknown, someone else's and an unpaid order", func() *testrig.Response {
			return maker.Do("POST", "/api/v1/studio/orders/shipments", []map[string]string{
				{"order_id": first, "carrier": "SF Express", "tracking_number": "SF100"},
				{"order_id": "no_such_order", "carrier": "SF Express", "tracking_number": "SF101"},
				{"order_id": theirs, "carrier": "SF Express", "tracking_number": "SF102"},
				{"order_id": unpaid, "carrier": "SF Express", "tracking_number": "SF103"},
				{"order_id": second, "carrier": "SF Express", "tracking_number": "SF104"}})
		}, []want{{first, "shipped", "", ""}, {"no_such_order", "", "not_found", ""}, {theirs, "", "not_found", ""},
			{unpaid, "pending_payment", "invalid_transition", "status"}, {second, "shipped", "", ""}}},
		{"an order shipped already is refused and says it is", func() *testrig.Response {
			return maker.Do("POST", "/api/v1/studio/orders/shipments",
				`[{"order_id":"`+first+`","carrier":"YTO","tracking_number":"YT1"}]`)
		}, []want{{first, "shipped", "invalid_transition", "status"}}},
		{"a CSV body with a header ships by the header's names and names a missing carrier", func() *testrig.Response {
			req, _ := http.NewRequest("POST", maker.BaseURL()+"/api/v1/studio/orders/shipments",
				strings.NewReader("tracking_number,order_id,carrier,note\nSF300,"+third+",,fragile\nSF301,"+third+",ZTO,\n"))
			req.Header.Set("Content-Type", "text/csv")
			return maker.Send(req)
		}, []want{{third, "", "invalid", "carrier"}, {third, "shipped", "", ""}}},
		{"an uploaded CSV file without a header, with a BOM and blank lines, ships by position", func() *testrig.Response {
			return shipmentsUpload(t, maker, "\ufeff"+fourth+",YTO,YT400\r\n\r\n")
		}, []want{{fourth, "shipped", "", ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.send()
			if r.Status != http.StatusOK {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			var out struct{ Results []shipResult }
			r.JSON(t, &out)
			if len(out.Results) != len(tc.want) {
				t.Fatalf("%d results, want %d: %s", len(out.Results), len(tc.want), r.Body)
			}
			for i, w := range tc.want {
				g := out.Results[i]
				code, fields := "", map[string]string(nil)
				if g.Error != nil {
					code, fields = g.Error.Code, g.Error.Fields
				}
				if g.OrderID != w.id || g.Status != w.status || code != w.code || (w.field != "" && fields[w.field] == "") {
					t.Errorf("line %d: %+v %v, want %+v", i, g, fields, w)
				}
			}
		})
	}
	if o := orderStatus(t, rig, "bulk_potter", second); o.Shipment.Carrier != "SF Express" || o.Shipment.TrackingNumber != "SF104" {
		t.Errorf("the shipment is not on the order: %+v", o.Shipment)
	}
	if o := orderStatus(t, rig, "bulk_weaver", theirs); o.Status != commerce.StatusPaid {
		t.Errorf("another maker's order was touched: %s", o.Status)
	}

	steps.run(maker, []scenario{
		{Name: "a body of no known type is refused as such", Method: "POST", Path: "/api/v1/studio/orders/shipments",
			Body: nil, Status: 415},
		{Name: "a JSON object where the lines' array goes names the body", Method: "POST", Path: "/api/v1/studio/orders/shipments",
			Body: `{"order_id":"x"}`, Status: 422, Expected: []string{`"body":`}},
	})
	t.Run("a form without the file names it", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("lines", first+",SF,SF1")
		_ = mw.Close()
		req, _ := http.NewRequest("POST", maker.BaseURL()+"/api/v1/studio/orders/shipments", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if r := maker.Send(req); r.Status != 422 || !strings.Contains(string(r.Body), `"file":`) {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("an upload with only a header names the file", func(t *testing.T) {
		if r := shipmentsUpload(t, maker, "order_id,carrier,tracking_number\n"); r.Status != 422 || !strings.Contains(string(r.Body), `"file":`) {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})

	exportSteps(t, steps, maker, []string{first, second, third, fourth, unpaid}, theirs)
}

// exportSteps checks the export of the maker whose orders mine are (in
// the order placed), after the shipments above: first to fourth shipped.
func exportSteps(t *testing.T, steps *steps, maker *testrig.Client, mine []string, theirs string) {
	read := func(t *testing.T, query string) [][]string {
		t.Helper()
		r := maker.Do("GET", "/api/v1/studio/orders.csv"+query, nil)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s: %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		body, ok := bytes.CutPrefix(r.Body, []byte("\xef\xbb\xbf"))
		if !ok {
			t.Fatalf("no BOM: %q", r.Body[:min(len(r.Body), 20)])
		}
		if bytes.Contains(r.Body, []byte(theirs)) {
			t.Errorf("another maker's order is in the export")
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || len(rows) == 0 || !slices.Equal(rows[0][:4], []string{"order_id", "carrier", "tracking_number", "number"}) {
			t.Fatalf("%v %q", err, rows)
		}
		return rows[1:]
	}
	ids := func(rows [][]string) []string {
		out := []string{}
		for _, r := range rows {
			out = append(out, r[0])
		}
		return out
	}
	cases := []struct {
		name, query string
		want        []string
	}{
		{"the export has a row per order of the maker's, oldest first", "", mine},
		{"filtered by status", "?status=shipped", mine[:4]},
		{"by a status nothing is in", "?status=cancelled", []string{}},
		{"to a day long past", "?to=2020-01-01", []string{}},
		{"from a time to come", "?from=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339), []string{}},
		{"from today", "?from=" + time.Now().UTC().Format(time.DateOnly), mine},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(read(t, tc.query)); !slices.Equal(got, tc.want) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("a row carries the shipment, the amounts and the address to pack for", func(t *testing.T) {
		row := strings.Join(read(t, "?status=shipped")[0], "|")
		for _, want := range []string{"SF Express|SF100|", "|CNY|129.00|10.00|139.00|", "|李雷|138 0000 0000|CN|浙江|杭州|1 West Lake Road||310000|"} {
			if !strings.Contains(row, want) {
				t.Errorf("row lacks %q: %s", want, row)
			}
		}
	})
	steps.run(maker, []scenario{
		{Name: "an unknown status is refused by name", Method: "GET", Path: "/api/v1/studio/orders.csv?status=lost",
			Status: 422, Expected: []string{`"status":`}},
		{Name: "a date that is not one is refused by name", Method: "GET", Path: "/api/v1/studio/orders.csv?from=yesterday",
			Status: 422, Expected: []string{`"from":"Enter a date such as 2026-12-03."`}},
	})
}

// stripeEvent is a payment_intent.succeeded event as Stripe sends it.
func stripeEvent(id, ref string, amount int64, metadata map[string]string) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": "payment_intent.succeeded", "api_version": "2025-03-31.basil",
		"created": time.Now().Unix(), "livemode": false,
		"data": map[string]any{"object": map[string]any{"id": ref, "object": "payment_intent", "amount": amount,
			"amount_received": amount, "currency": "cny", "status": "succeeded", "metadata": metadata}}})
	return b
}

// stripeSigned signs payload as Stripe does, with secret.
func stripeSigned(payload []byte, secret string) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()}).Header
}

func TestStripesWebhookPaysTheOrderOnceAndRefusesABadSignature(t *testing.T) {
	cfg := stripemocktest.MustStart(t)
	rig := testrig.MustStart(t, testrig.WithStripe(cfg))
	maker, workID := shopReady(t, rig, "card_potter", true)
	buyer := rig.Client(t)
	buyer.SignUp("card_fan")
	steps := numbered(t)
	steps.run(maker, []scenario{
		{Name: "card payments are enabled where the site has Stripe, and no secret is answered", Method: "PUT",
			Path: "/api/v1/me/studio/payments", Body: map[string]any{"stripe": map[string]any{"enabled": true}}, Status: 200,
			Expected: []string{`"stripe":{"enabled":true}`, `"methods":["stripe"]`}, NotExpected: []string{cfg.SecretKey, cfg.WebhookSecret, "secret"}},
	})
	res := shopCheckout(t, rig, "card_fan", "card_potter", workID, payment.MethodStripe, false)
	orderID := res.Orders[0].ID
	var pay struct {
		Ref string `bson:"ref"`
	}
	if err := rig.App.DB.Database.Collection(commerce.PaymentsCollection).FindOne(context.Background(),
		bson.M{"_id": res.Payment.ID}).Decode(&pay); err != nil || pay.Ref == "" {
		t.Fatalf("the payment's intent: %+v %v", pay, err)
	}
	paid := stripeEvent("evt_shop_paid", pay.Ref, res.Payment.Amount.Amount, map[string]string{"payment_id": res.Payment.ID, "order_ids": orderID})
	forged := stripeEvent("evt_shop_forged", pay.Ref, res.Payment.Amount.Amount, map[string]string{"payment_id": res.Payment.ID, "order_ids": orderID})
	stripe := rig.Client(t) // Stripe: no account, no cookies of its own
	hook := "/api/v1/payments/stripe/webhook"
	steps.run(stripe, []scenario{
		{Name: "an event signed with another secret is refused", Method: "POST", Path: hook, Body: string(forged),
			Header: []string{"Stripe-Signature", stripeSigned(forged, "whsec_not_the_sites")}, Status: 400,
			Expected: []string{`"Stripe-Signature":`}},
		{Name: "an event without a signature is refused", Method: "POST", Path: hook, Body: string(forged), Status: 400},
		{Name: "an event changed after signing is refused", Method: "POST", Path: hook,
			Body: strings.Replace(string(paid), `"amount":`, `"amount": `, 1), Header: []string{"Stripe-Signature", stripeSigned(paid, cfg.WebhookSecret)},
			Status: 400},
	})
	if o := orderStatus(t, rig, "card_fan", orderID); o.Status != commerce.StatusPendingPayment {
		t.Fatalf("a refused event changed the order: %s", o.Status)
	}
	steps.run(stripe, []scenario{
		{Name: "Stripe's signed event is taken, a stale session cookie and no CSRF token notwithstanding", Method: "POST", Path: hook,
			Body: string(paid), Header: []string{"Stripe-Signature", stripeSigned(paid, cfg.WebhookSecret), "Cookie", "guildhall_session=stale"},
			Status: 200, Expected: []string{`"received":true`}},
	})
	o := orderStatus(t, rig, "card_fan", orderID)
	if o.Status != commerce.StatusPaid || o.Payment.Status != commerce.PaySucceeded {
		t.Fatalf("the order is %s, paid %s", o.Status, o.Payment.Status)
	}
	steps.run(stripe, []scenario{
		{Name: "the same event delivered again is taken and changes nothing", Method: "POST", Path: hook,
			Body: string(paid), Header: []string{"Stripe-Signature", stripeSigned(paid, cfg.WebhookSecret)}, Status: 200},
	})
	if again := orderStatus(t, rig, "card_fan", orderID); again.Version != o.Version || again.Status != commerce.StatusPaid {
		t.Errorf("applied twice: version %d, then %d (%s)", o.Version, again.Version, again.Status)
	}
}
