package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/payment"
	"guildhall/internal/payment/stripe/stripemocktest"
	"guildhall/internal/testrig"
	"guildhall/internal/testrig/browser"
	"guildhall/internal/work"
)

// userOf reads a signed-up user as the features see them.
func userOf(t testing.TB, rig *testrig.Rig, handle string) *account.User {
	t.Helper()
	u, err := rig.App.Accounts.ByHandle(context.Background(), handle)
	if err != nil {
		t.Fatalf("user %s: %v", handle, err)
	}
	return u
}

// readyShop gives a studio's maker a shipping profile from China and
// offline payment, through the feature (the pages' own test fills them in
// by hand).
func readyShop(t testing.TB, rig *testrig.Rig, handle string) {
	t.Helper()
	ctx, c, u := context.Background(), rig.App.Commerce, userOf(t, rig, handle)
	cny := func(a int64) commerce.Money { return commerce.Money{Amount: a, Currency: "CNY"} }
	if _, err := c.PutShipping(ctx, u, commerce.ShippingInput{ProcessingDays: commerce.DayRange{Min: 1, Max: 3}, ShipsFrom: "CN",
		Rates: []commerce.RateInput{{To: commerce.ToDomestic, FirstItem: cny(1000), EachAdditional: cny(500)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutPayments(ctx, u, commerce.PaymentsInput{Offline: commerce.OfflineInput{Enabled: true,
		Instructions: "Alipay 138 0000 0000"}}); err != nil {
		t.Fatal(err)
	}
}

var checkoutKeys atomic.Int64

// placeOrder has buyer check one of workID out offline, through the
// feature; paid, the buyer reports the payment and the maker confirms it.
func placeOrder(t testing.TB, rig *testrig.Rig, buyerHandle, makerHandle, workID string, paid bool) *commerce.Order {
	t.Helper()
	ctx, c, buyer := context.Background(), rig.App.Commerce, userOf(t, rig, buyerHandle)
	book, err := c.Addresses(ctx, buyer)
	if err != nil {
		t.Fatal(err)
	}
	if len(book) == 0 {
		a, err := c.AddAddress(ctx, buyer, commerce.AddressInput{Name: "李雷", Phone: "+86 138 0000 0000", Country: "CN",
			Region: "浙江", City: "杭州", Line1: "1 West Lake Road", PostalCode: "310000"})
		if err != nil {
			t.Fatal(err)
		}
		book = append(book, *a)
	}
	if err := c.SetCartItem(ctx, buyer, workID, "", 1); err != nil {
		t.Fatal(err)
	}
	res, err := c.Checkout(ctx, buyer, commerce.CheckoutInput{Key: fmt.Sprintf("desk-%d", checkoutKeys.Add(1)),
		AddressID: book[0].ID, PaymentMethod: payment.MethodOffline})
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	id := res.Orders[0].ID
	if paid {
		if _, err := c.Act(ctx, buyer, id, commerce.ActionPay, commerce.ActInput{Reference: "alipay 2026120312"}); err != nil {
			t.Fatalf("report payment: %v", err)
		}
		if _, err := c.Act(ctx, userOf(t, rig, makerHandle), id, commerce.ActionConfirmPayment, commerce.ActInput{}); err != nil {
			t.Fatalf("confirm payment: %v", err)
		}
	}
	o, err := c.Order(ctx, buyer, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// shipmentsForm posts the bulk-shipping form: its fields (pasted lines,
// ticked orders) and a file.
func shipmentsForm(t *testing.T, c *testrig.Client, fields url.Values, file string) *testrig.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("csv", "shipments.csv")
		_, _ = fw.Write([]byte(file))
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.BaseURL()+"/studio/orders/shipments?lang=en", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "text/html")
	return c.Send(req)
}

var html = []string{"Accept", "text/html"}

func TestTheShopFormsSaveWhatTheMakerTypedAndNameEveryBadField(t *testing.T) {
	rig := testrig.MustStart(t)
	fan := rig.Client(t)
	fan.SignUp("no_shop_fan")
	maker := openStudio(t, rig, "kiln_maker")
	steps := numbered(t)
	steps.run(fan, []scenario{
		{Name: "someone without a studio is offered no shop forms", Method: "GET", Path: "/studio/settings", Status: 200,
			NotExpected: []string{`data-testid="shipping-form"`, `data-testid="payments-form"`}},
	})
	if r := pageForm(t, fan, "/studio/settings/shipping", url.Values{"ships_from": {"CN"}, "rate_scope": {"domestic"},
		"rate_country": {""}, "rate_first": {"10"}, "rate_each": {"5"}}); r.Status != http.StatusForbidden {
		t.Fatalf("shipping by someone without a studio: %d", r.Status)
	}
	steps.run(maker, []scenario{
		{Name: "a maker sees both forms, and no card option without Stripe", Method: "GET", Path: "/studio/settings?lang=en", Status: 200,
			Expected:    []string{`data-testid="shipping-form"`, `data-testid="payments-form"`, "Shipping profile", `name="rate_first"`},
			NotExpected: []string{`name="stripe_enabled"`}},
	})

	bad := url.Values{"processing_min": {"3"}, "processing_max": {"1"}, "ships_from": {"ZZ"}, "currency": {"CNY"},
		"rate_scope": {"domestic", "country", "international"}, "rate_country": {"", "XX", ""},
		"rate_first": {"abc", "20", ""}, "rate_each": {"5", "", ""}, "free_over": {"lots"}}
	r := pageForm(t, maker, "/studio/settings/shipping?lang=en", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad shipping: %d %s", r.Status, r.Body)
	}
	for _, want := range []string{`data-testid="error-rates.0.first_item"`, "Enter a price such as 129.00.", `data-testid="error-free_over"`,
		`value="abc"`, `value="ZZ"`, `value="XX"`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	// The form's own errors come first; once the amounts read, the
	// feature names what it refuses, on the row the form shows it.
	bad.Set("free_over", "")
	bad["rate_first"] = []string{"10", "20", ""}
	r = pageForm(t, maker, "/studio/settings/shipping?lang=en", bad)
	shipping := between(string(r.Body), `id="shipping"`, `id="payments"`)
	for _, want := range []string{`data-testid="error-processing_days"`, `data-testid="error-ships_from"`, "Use a two-letter country code",
		`data-testid="error-rates.1.to"`, `value="XX"`} {
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(shipping, want) {
			t.Errorf("the feature's refusal: %d, lacks %q", r.Status, want)
		}
	}
	if strings.Contains(shipping, `data-testid="error-rates.0`) {
		t.Errorf("a good row is marked: %s", shipping)
	}

	good := url.Values{"processing_min": {"2"}, "processing_max": {"5"}, "ships_from": {"cn"}, "currency": {"CNY"},
		"rate_scope": {"domestic", "country", "international", "domestic"}, "rate_country": {"", "jp", "", ""},
		"rate_first": {"12.5", "30", "80.00", ""}, "rate_each": {"5", "10", "20", ""}, "free_over": {"199"}}
	redirected(t, "save shipping", pageForm(t, maker, "/studio/settings/shipping", good), "/studio/settings?saved=shipping#shipping")
	sh, err := rig.App.Commerce.Shop(context.Background(), userOf(t, rig, "kiln_maker").ID)
	if err != nil {
		t.Fatal(err)
	}
	if sh.ShipsFrom != "CN" || sh.Currency != "CNY" || len(sh.Rates) != 3 || sh.Rates[0].FirstItem != 1250 || sh.Rates[1].To != "JP" ||
		sh.FreeOver == nil || *sh.FreeOver != 19900 || sh.ProcessingDays != (commerce.DayRange{Min: 2, Max: 5}) {
		t.Fatalf("stored %+v", sh)
	}
	steps.run(maker, []scenario{
		{Name: "the saved profile comes back in decimals", Method: "GET", Path: "/studio/settings?saved=shipping&lang=en", Status: 200,
			Expected: []string{`data-testid="saved-shipping"`, `value="12.50"`, `value="JP"`, `value="199.00"`, `value="CN"`, `value="5"`}},
	})

	r = pageForm(t, maker, "/studio/settings/payments?lang=en", url.Values{"offline_enabled": {"1"}, "offline_instructions": {" "}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `data-testid="error-offline.instructions"`) {
		t.Fatalf("offline without instructions: %d", r.Status)
	}
	r = pageForm(t, maker, "/studio/settings/payments?lang=en", url.Values{"offline_enabled": {"1"}, "offline_instructions": {"Alipay"},
		"stripe_enabled": {"1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Card payments are not available on this site.") {
		t.Fatalf("card without Stripe: %d", r.Status)
	}
	redirected(t, "save payments with a QR code", pageUpload(t, maker, "/studio/settings/payments",
		map[string]string{"offline_enabled": "1", "offline_instructions": "支付宝转账，备注订单号"}, "offline_qr",
		testrig.PNG(t, 300, 300, color.RGBA{A: 255})), "/studio/settings?saved=payments#payments")
	steps.run(maker, []scenario{
		{Name: "the payments come back with the QR code", Method: "GET", Path: "/studio/settings", Status: 200,
			Expected: []string{`data-testid="offline-qr"`, "支付宝转账，备注订单号", `name="offline_enabled" value="1" checked`}},
	})
}

func TestTheOrderDeskListsFiltersExportsAndShipsInBulk(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "desk_potter")
	readyShop(t, rig, "desk_potter")
	bowl := createWork(t, maker, merge(wallet("published"), "title", "青瓷碗 Celadon bowl"))
	cup := createWork(t, maker, merge(merge(wallet("published"), "title", "茶杯 Tea cup"), "stock", 5))
	fan, other := rig.Client(t), rig.Client(t)
	fan.SignUp("desk_fan")
	other.SignUp("desk_other")
	toPay := placeOrder(t, rig, "desk_fan", "desk_potter", bowl, false)
	toShip := placeOrder(t, rig, "desk_fan", "desk_potter", cup, true)
	toShip2 := placeOrder(t, rig, "desk_other", "desk_potter", bowl, true)

	steps := numbered(t)
	steps.run(maker, []scenario{
		{Name: "all orders with each tab's count", Method: "GET", Path: "/studio/orders?lang=en", Status: 200,
			Expected: []string{toPay.Number, toShip.Number, toShip2.Number, `data-testid="tab-count-to_ship">2<`,
				`data-testid="tab-count-to_pay">1<`, `data-testid="tab-count-all">3<`, `href="/orders/` + toShip.ID + `"`, "Export CSV"}},
		{Name: "to ship lists the paid orders only", Method: "GET", Path: "/studio/orders?status=to_ship", Status: 200,
			Expected: []string{toShip.Number, toShip2.Number, `href="/studio/orders.csv?status=to_ship"`}, NotExpected: []string{toPay.Number}},
		{Name: "awaiting payment lists the unpaid one", Method: "GET", Path: "/studio/orders?status=to_pay", Status: 200,
			Expected: []string{toPay.Number}, NotExpected: []string{toShip.Number, toShip2.Number}},
		{Name: "a search by buyer", Method: "GET", Path: "/studio/orders?q=desk_other", Status: 200,
			Expected: []string{toShip2.Number}, NotExpected: []string{toPay.Number, toShip.Number}},
		{Name: "a search by order number", Method: "GET", Path: "/studio/orders?q=" + url.QueryEscape(toPay.Number), Status: 200,
			Expected: []string{toPay.Number}, NotExpected: []string{toShip.Number, toShip2.Number}},
		{Name: "a search by work", Method: "GET", Path: "/studio/orders?q=" + url.QueryEscape("Tea cup"), Status: 200,
			Expected: []string{toShip.Number}, NotExpected: []string{toShip2.Number}},
		{Name: "an unknown status names the field", Method: "GET", Path: "/studio/orders?status=lost", Header: html, Status: 422,
			Expected: []string{"<code>status</code>"}},
		{Name: "the studio shows the count to ship", Method: "GET", Path: "/studio", Status: 200,
			Expected: []string{`data-testid="to-ship-count"`, `>2</span>`}},
	})
	first := maker.Do("GET", "/studio/orders?status=to_ship&limit=1", nil)
	m := regexp.MustCompile(`href="([^"]+)" data-testid="next-page"`).FindStringSubmatch(string(first.Body))
	if first.Status != 200 || m == nil || !strings.Contains(m[1], "cursor=") || !strings.Contains(m[1], "status=to_ship") {
		t.Fatalf("a first page of one: %d, next %q", first.Status, m)
	}
	href := strings.ReplaceAll(m[1], "&amp;", "&")
	second := maker.Do("GET", href, nil)
	firstHas, secondHas := strings.Contains(string(first.Body), toShip.Number), strings.Contains(string(second.Body), toShip.Number)
	if second.Status != 200 || firstHas == secondHas || strings.Contains(string(second.Body), toPay.Number) {
		t.Fatalf("the second page: %d (first holds %v, second %v)", second.Status, firstHas, secondHas)
	}

	// The desk is a page like the others: reads by _id and its searches
	// (one for the whole list, two when narrowed: the counts are over all).
	for path, budget := range map[string]int{"/studio/orders": 1, "/studio/orders?status=to_ship&q=desk": 2} {
		cmds, searches := pageCost(t, rig, path, maker.Token)
		t.Logf("the page budget of %s: %d MongoDB commands, %d searches", path, len(cmds), searches)
		if len(cmds) > 4 || searches > budget {
			t.Errorf("%s: %d MongoDB commands, %d searches; budget 4 and %d: %v", path, len(cmds), searches, budget, names(cmds))
		}
		for _, c := range cmds {
			if !c.ByID() {
				t.Errorf("%s sends %s to %s that is not a lookup by _id: %s", path, c.Name, c.Collection, c.Body)
			}
		}
	}

	rival := openStudio(t, rig, "desk_rival")
	slips := "/studio/orders/slips?id=" + toShip.ID + "&id=" + toShip2.ID
	steps.run(maker, []scenario{
		{Name: "to ship links the page's packing slips", Method: "GET", Path: "/studio/orders?status=to_ship", Status: 200,
			Expected: []string{`data-testid="print-slips"`, `data-testid="slip-link-` + toShip.ID + `"`}},
		{Name: "packing slips hold the address and the lines", Method: "GET", Path: slips, Status: 200,
			Expected: []string{`data-testid="slip-` + toShip.ID + `"`, `data-testid="slip-` + toShip2.ID + `"`, "1 West Lake Road", "李雷",
				"茶杯 Tea cup", toShip2.Number}},
		{Name: "a slip of an order that is not the maker's is not found", Method: "GET", Path: slips, As: rival, Header: html, Status: 404,
			NotExpected: []string{"West Lake", toShip.Number}},
		{Name: "a slip needs an order", Method: "GET", Path: "/studio/orders/slips", Header: html, Status: 422,
			Expected: []string{"<code>id</code>"}},
	})
	steps.run(fan, []scenario{
		{Name: "someone without a studio has no desk", Method: "GET", Path: "/studio/orders", Header: html, Status: 403},
		{Name: "nor an export", Method: "GET", Path: "/studio/orders.csv", Header: html, Status: 403, NotExpected: []string{"West Lake"}},
		{Name: "nor packing slips", Method: "GET", Path: slips, Header: html, Status: 403, NotExpected: []string{"West Lake"}},
	})
	if r := rig.Client(t).Do("GET", "/studio/orders", nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/signin") {
		t.Fatalf("a visitor: %d %s", r.Status, r.Header.Get("Location"))
	}

	t.Run("the export is UTF-8 with a BOM, a header and a row an order", func(t *testing.T) {
		r := maker.Do("GET", "/studio/orders.csv?lang=en", nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) {
			t.Fatalf("%d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body[:min(len(r.Body), 20)])
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(rows) != 4 {
			t.Fatalf("%d rows, %v:\n%s", len(rows), err, r.Body)
		}
		if rows[0][0] != "Order number" || rows[0][len(rows[0])-1] != "Order ID" {
			t.Errorf("header %q", rows[0])
		}
		byNumber := map[string][]string{}
		for _, row := range rows[1:] {
			byNumber[row[0]] = row
		}
		row := byNumber[toShip.Number]
		if row == nil || !strings.Contains(strings.Join(row, "|"), "茶杯 Tea cup × 1") || !strings.Contains(strings.Join(row, "|"), "1 West Lake Road") ||
			!strings.Contains(strings.Join(row, "|"), "李雷") || !strings.Contains(strings.Join(row, "|"), "Paid, to ship") {
			t.Errorf("the paid order's row: %q", row)
		}
		zh := maker.Do("GET", "/studio/orders.csv?status=to_pay&lang=zh-CN", nil)
		rows, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(zh.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if len(rows) != 2 || rows[0][0] != "订单号" || rows[1][0] != toPay.Number {
			t.Errorf("to pay, in Chinese: %q", rows)
		}
		if r := maker.Do("GET", "/studio/orders.csv?from=yesterday", nil, html...); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), "<code>from</code>") {
			t.Errorf("a bad date: %d", r.Status)
		}
		if r := maker.Do("GET", "/studio/orders.csv?from=2000-01-01&to=2000-12-31", nil); strings.Count(string(r.Body), "\n") != 1 {
			t.Errorf("a year with no orders: %q", r.Body)
		}
	})

	t.Run("ticked orders ship with their own tracking and a carrier for all", func(t *testing.T) {
		ticked := placeOrder(t, rig, "desk_other", "desk_potter", cup, true)
		steps.run(maker, []scenario{
			{Name: "to ship offers a tick for each paid order", Method: "GET", Path: "/studio/orders?status=to_ship", Status: 200,
				Expected: []string{`data-testid="ship-` + ticked.ID + `"`, `data-testid="ship-` + toShip.ID + `"`}},
		})
		r := shipmentsForm(t, maker, url.Values{"ship": {ticked.ID, toShip.ID}, "carrier_all": {"EMS"}, "tracking_" + ticked.ID: {"EE123CN"},
			"carrier_" + toShip.ID: {"SF"}, "tracking_" + toShip.ID: {""}}, "")
		results := between(string(r.Body), `data-testid="shipment-results"`, `</table>`)
		if r.Status != 200 || !strings.Contains(results, `<tr class="ok" data-testid="result-`+ticked.ID+`">`) || !strings.Contains(results, "EMS EE123CN") ||
			!strings.Contains(results, `<tr class="bad" data-testid="result-`+toShip.ID+`">`) || !strings.Contains(results, "Tracking number: This field is required.") {
			t.Fatalf("%d:\n%s", r.Status, results)
		}
		o, err := rig.App.Commerce.Order(context.Background(), userOf(t, rig, "desk_potter"), ticked.ID)
		if err != nil || o.Status != commerce.StatusShipped || o.Shipment.Carrier != "EMS" || o.Shipment.TrackingNumber != "EE123CN" {
			t.Fatalf("the ticked order: %+v %v", o, err)
		}
	})

	t.Run("bulk shipping reports each line and one bad line stops none", func(t *testing.T) {
		r := shipmentsForm(t, maker, url.Values{"lines": {"order_id,carrier,tracking_number\n" + toShip.ID + ",顺丰,SF1001\nnot a line\n" +
			toPay.ID + ",SF,SF1002\n"}}, "\ufeff"+toShip2.ID+",YTO,YT3003\n")
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		results := between(string(r.Body), `data-testid="shipment-results"`, `</table>`)
		for _, want := range []string{`data-testid="result-2"`, "SF1001", `data-testid="result-3"`, "Write three columns", toPay.ID,
			"cannot do this in its current status. (Awaiting payment)", "YT3003"} {
			if !strings.Contains(results, want) {
				t.Errorf("the results lack %q:\n%s", want, results)
			}
		}
		if n := strings.Count(results, `class="ok"`); n != 2 {
			t.Errorf("%d lines shipped, want 2:\n%s", n, results)
		}
		steps.run(maker, []scenario{
			{Name: "the shipped tab holds them", Method: "GET", Path: "/studio/orders?status=shipped", Status: 200,
				Expected: []string{toShip.Number, toShip2.Number}, NotExpected: []string{toPay.Number}},
			{Name: "and nothing is left to ship", Method: "GET", Path: "/studio/orders", Status: 200,
				Expected: []string{`data-testid="tab-count-to_ship">0<`, `data-testid="tab-count-shipped">3<`}},
		})
		if r := shipmentsForm(t, maker, url.Values{"lines": {"\n\n"}}, ""); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "<code>lines</code>") {
			t.Errorf("an empty form: %d", r.Status)
		}
	})
}

// TestInABrowserAMakerSetsUpTheShopAndShipsFromTheDesk fills the shipping
// and payment forms in a real Chromium, then finds an order a buyer paid
// under "to ship", ships it with the bulk form and sees it under "shipped".
func TestInABrowserAMakerSetsUpTheShopAndShipsFromTheDesk(t *testing.T) {
	rig := testrig.MustStart(t)
	b := &tab{t: t, ctx: browser.MustStart(t), base: rig.URL}
	const handle = "longquan_kiln"

	b.signUp("maker signs up", handle, "龙泉窑")
	b.do("open the studio",
		chromedp.Navigate(rig.URL+"/studio/settings"),
		b.typeInto("#name", "龙泉窑 Longquan Kiln"),
		b.click(`[data-testid="save-studio"]`),
		b.visible(`[data-testid="new-work"]`),
	)
	b.do("fill the shipping profile",
		chromedp.Navigate(rig.URL+"/studio/settings"),
		b.visible(`[data-testid="shipping-form"]`),
		b.typeInto("#processing_min", "1"),
		b.typeInto("#processing_max", "3"),
		b.typeInto("#ships_from", "CN"),
		b.typeInto(`[data-testid="rate-first-0"]`, "12.50"),
		b.typeInto(`[data-testid="rate-each-0"]`, "5"),
		b.typeInto(`[data-testid="rate-first-1"]`, "80"),
		b.typeInto(`[data-testid="rate-each-1"]`, "20"),
		b.typeInto("#free_over", "199"),
		b.click(`[data-testid="save-shipping"]`),
		b.visible(`[data-testid="saved-shipping"]`),
	)
	b.at("after saving shipping", "/studio/settings?saved=shipping#shipping")
	if v := b.get("saved rate", chromedp.Value(chromedp.CSS(`[data-testid="rate-first-0"]`))); v != "12.50" {
		t.Fatalf("the first rate reads %q, want 12.50", v)
	}
	if v := b.get("saved free shipping", chromedp.Value(chromedp.CSS("#free_over"))); v != "199.00" {
		t.Fatalf("free shipping over %q, want 199.00", v)
	}
	if v := b.get("second rate's destination", chromedp.Value(chromedp.CSS(`[data-testid="rate-scope-1"]`))); v != "international" {
		t.Fatalf("the second rate goes to %q", v)
	}
	b.do("take offline payment",
		b.click("#offline_enabled"),
		b.typeInto("#offline_instructions", "支付宝 138 0000 0000，备注订单号"),
		b.click(`[data-testid="save-payments"]`),
		b.visible(`[data-testid="saved-payments"]`),
	)
	if n := b.count("offline saved", "#offline_enabled:checked", ".length"); n != 1 {
		t.Fatalf("offline payment is not on after saving")
	}
	if v := b.get("instructions saved", chromedp.Value(chromedp.CSS("#offline_instructions"))); v != "支付宝 138 0000 0000，备注订单号" {
		t.Fatalf("the instructions read %q", v)
	}

	// A buyer checks out offline and reports the payment; the maker
	// confirms it (the order page, another page's test, does that by hand).
	ctx, maker := context.Background(), userOf(t, rig, handle)
	title, price, cat, published, stock := "青瓷盏 Celadon cup", work.Money{Amount: 16800, Currency: "CNY"}, "ceramics", work.StatusPublished, 2
	w, err := rig.App.Works.Create(ctx, maker, work.Input{Title: &title, Price: &price, Category: &cat, Status: &published, Stock: &stock})
	if err != nil {
		t.Fatal(err)
	}
	rig.Client(t).SignUp("tea_buyer")
	o := placeOrder(t, rig, "tea_buyer", handle, w.ID, true)
	row := `[data-testid="order-` + o.ID + `"]`

	b.do("the studio counts one to ship",
		chromedp.Navigate(rig.URL+"/studio"),
		b.visible(`[data-testid="to-ship-count"]`),
	)
	b.text("badge", `[data-testid="to-ship-count"]`, "1")
	b.do("back to the settings", chromedp.Navigate(rig.URL+"/studio/settings#shipping"), b.visible(`[data-testid="shipping-form"]`))
	b.keepScreenshot("guildhall-shop-settings.png")
	b.do("to the studio", chromedp.Navigate(rig.URL+"/studio"), b.visible(`[data-testid="nav-orders"]`))
	b.do("the desk lists it under to ship",
		b.click(`[data-testid="nav-orders"]`),
		b.visible(`[data-testid="tab-to_ship"]`),
		b.click(`[data-testid="tab-to_ship"]`),
		b.visible(row),
	)
	b.at("to ship", "/studio/orders?status=to_ship")
	b.text("to ship", row+" .number", o.Number)
	b.keepScreenshot("guildhall-order-desk-to-ship.png")
	b.do("ship it in bulk",
		b.typeInto(`[data-testid="bulk-lines"]`, o.ID+",顺丰 SF Express,SF1234567890"),
		b.click(`[data-testid="bulk-submit"]`),
		b.visible(`[data-testid="shipment-results"]`),
	)
	if n := b.count("results", `[data-testid="shipment-results"] tr.ok`, ".length"); n != 1 {
		t.Fatalf("%d lines shipped, want 1", n)
	}
	b.do("it is under shipped",
		b.click(`[data-testid="desk-shipped"]`),
		b.visible(row),
	)
	b.at("shipped", "/studio/orders?status=shipped")
	b.text("nothing left to ship", `[data-testid="tab-count-to_ship"]`, "0")
	b.text("one shipped", `[data-testid="tab-count-shipped"]`, "1")
	b.keepScreenshot("guildhall-order-desk.png")
}

// keepScreenshot saves the page as a phone shows it, to look at after the
// run.
func (b *tab) keepScreenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(os.TempDir(), name), png, 0o644); err != nil {
		b.t.Logf("keep screenshot: %v", err)
	}
}

func TestWhereStripeIsConfiguredAMakerMayTakeCards(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithStripe(stripemocktest.MustStart(t)))
	maker := openStudio(t, rig, "card_maker")
	steps := numbered(t)
	steps.run(maker, []scenario{
		{Name: "the payments form offers cards", Method: "GET", Path: "/studio/settings", Status: 200,
			Expected: []string{`name="stripe_enabled"`}},
	})
	redirected(t, "take cards only", pageForm(t, maker, "/studio/settings/payments", url.Values{"stripe_enabled": {"1"}}),
		"/studio/settings?saved=payments#payments")
	sh, err := rig.App.Commerce.Shop(context.Background(), userOf(t, rig, "card_maker").ID)
	if err != nil || !sh.Stripe || sh.Offline.Enabled {
		t.Fatalf("stored %+v %v", sh, err)
	}
	steps.run(maker, []scenario{
		{Name: "and shows cards on", Method: "GET", Path: "/studio/settings", Status: 200,
			Expected: []string{`name="stripe_enabled" value="1" checked`}},
	})
}
