package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"guildhall/internal/testrig"
	"guildhall/internal/work"
)

// BenchmarkACheckoutBesideTheWorkPage serves the work page and checkouts
// through the API side by side in one run, with 1 and 16 clients, each
// buyer's cart filled before the checkout it times (a made-to-order work,
// so stock never runs out). The aim is a checkout within 3× a page.
//
//	go test -run '^$' -bench ACheckoutBesideTheWorkPage -benchtime 300x ./internal/server/
func BenchmarkACheckoutBesideTheWorkPage(b *testing.B) {
	rig := testrig.MustStart(b)
	maker := openShop(b, rig, "potter")
	mto := wallet("published")
	mto["stock"], mto["made_to_order"] = nil, true
	id := createWork(b, maker, mto)
	seedWorks(b, rig, maker, 1999)
	type buyer struct{ token, addr string }
	buyers := make([]buyer, 16)
	for i := range buyers {
		c, addr := buyerWithAddress(b, rig, fmt.Sprintf("fan%02d", i))
		buyers[i] = buyer{c.Token, addr}
	}
	if _, err := rig.App.DB.IndexKeys(context.Background()); err != nil {
		b.Fatal(err)
	}
	page := "/works/" + id + "/" + work.Slugify("手工牛皮钱包 Leather wallet")
	send := func(token, method, path, body string, header ...string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		rig.App.Handler.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, clients := range []int{1, 16} {
		b.Run(fmt.Sprintf("work_page_%d_clients", clients), func(b *testing.B) { measurePage(b, rig, page, clients) })
		b.Run(fmt.Sprintf("checkout_%d_clients", clients), func(b *testing.B) {
			measureClientsAfter(b, clients, func(client, _ int) {
				if code := send(buyers[client].token, "PUT", "/api/v1/cart/items/"+id, `{"quantity":1}`); code != http.StatusOK {
					b.Fatalf("fill the cart: %d", code)
				}
			}, func(client, n int) int {
				body := fmt.Sprintf(`{"address_id":%q,"payment_method":"offline"}`, buyers[client].addr)
				code := send(buyers[client].token, "POST", "/api/v1/checkout", body, "Idempotency-Key", fmt.Sprintf("bench-%d-%d-%d", clients, client, n))
				if code == http.StatusCreated {
					return http.StatusOK
				}
				return code
			})
		})
	}
}
