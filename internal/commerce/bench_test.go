package commerce_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
)

// BenchmarkCheckout16 is checkouts by 16 buyers at once on embedded
// defaults, each of one made-to-order work and one in stock, with the
// latency of each checkout (the cart is filled outside the measure).
//
//	go test -run '^$' -bench Checkout16 -benchtime 400x ./internal/commerce/
func BenchmarkCheckout16(b *testing.B) {
	e := mustOpen(b)
	potter := e.maker("potter")
	mto := e.work(potter, "Made to order", 12900, -1)
	stocked := e.work(potter, "Plenty", 4500, 1_000_000)
	const clients = 16
	buyers := e.buyers(clients, func(*account.User) {})
	// One checkout creates every collection a checkout writes; then their
	// _id lookups get the index the app adds every ten seconds (see
	// mongodb.DB.IndexKeys), as in a running Guildhall.
	e.buy(buyers[0].u, mto, "", 1)
	if _, err := e.c.Checkout(e.ctx, buyers[0].u, commerce.CheckoutInput{Key: "warm-up", AddressID: buyers[0].addr, PaymentMethod: "offline"}); err != nil {
		b.Fatal(err)
	}
	if _, err := e.app.DB.IndexKeys(e.ctx); err != nil {
		b.Fatal(err)
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		wg        sync.WaitGroup
	)
	b.ResetTimer()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < b.N; i += clients {
				u := buyers[c]
				if err := e.c.SetCartItem(e.ctx, u.u, mto.ID, "", 1); err != nil {
					b.Error(err)
					return
				}
				if err := e.c.SetCartItem(e.ctx, u.u, stocked.ID, "", 2); err != nil {
					b.Error(err)
					return
				}
				began := time.Now()
				_, err := e.c.Checkout(e.ctx, u.u, commerce.CheckoutInput{Key: fmt.Sprintf("bench-%d", i), AddressID: u.addr, PaymentMethod: "offline"})
				took := time.Since(began)
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				latencies = append(latencies, took)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
}
