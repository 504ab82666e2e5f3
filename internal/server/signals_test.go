package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guildhall/internal/testrig"
	"guildhall/internal/work"
)

// popularIDs lists the works of the popular sort, best first.
func popularIDs(t testing.TB, c *testrig.Client) []string {
	t.Helper()
	var page struct{ Items []struct{ ID string } }
	c.Do("GET", "/api/v1/search?type=works&sort=popular", nil).JSON(t, &page)
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestFavouritesReachThePopularSortWithTheirBatch(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_INDEX_SIGNALS_EVERY", "1h"))
	maker := openStudio(t, rig, "potter")
	first := createWork(t, maker, wallet("published"))
	second := createWork(t, maker, wallet("published"))
	before := popularIDs(t, maker)
	if len(before) != 2 {
		t.Fatalf("popular lists %v", before)
	}
	last := before[1]
	for i := range 3 {
		fan := rig.Client(t)
		fan.SignUp(fmt.Sprintf("fan%d", i))
		if r := fan.Do("POST", "/api/v1/works/"+last+"/favorite", nil); r.Status != http.StatusNoContent {
			t.Fatalf("favourite: %d %s", r.Status, r.Body)
		}
	}
	var got struct {
		Work struct{ Counts struct{ Favorites int } }
	}
	maker.Do("GET", "/api/v1/works/"+last, nil).JSON(t, &got)
	if got.Work.Counts.Favorites != 3 {
		t.Fatalf("the work counts %d favourites at once, want 3", got.Work.Counts.Favorites)
	}
	if err := rig.App.Queue.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := popularIDs(t, maker); !slices.Equal(after, []string{last, before[0]}) {
		t.Fatalf("after the batch popular lists %v, want %s first (works %s, %s)", after, last, first, second)
	}
}

// BenchmarkAFavouriteBesideTheWorkPage measures a work page and a favourite
// (or its undoing) side by side on a store of 2,000 works, by one client and
// by sixteen, with each signal pushed to the index at once (as before) and
// batched (as served). Compare p50-ms of "favourite" with "work page".
func BenchmarkAFavouriteBesideTheWorkPage(b *testing.B) {
	for _, mode := range []struct{ name, every string }{{"pushed_at_once", "0"}, {"batched", "500ms"}} {
		b.Run(mode.name, func(b *testing.B) {
			rig := testrig.MustStart(b, testrig.WithEnv("GUILDHALL_INDEX_SIGNALS_EVERY", mode.every))
			maker := openStudio(b, rig, "prolific")
			id := createWork(b, maker, wallet("published"))
			seedWorks(b, rig, maker, 1999)
			if _, err := rig.App.DB.IndexKeys(context.Background()); err != nil {
				b.Fatal(err)
			}
			tokens := make([]string, 16)
			for i := range tokens {
				fan := rig.Client(b)
				fan.SignUp(fmt.Sprintf("fan%02d", i))
				tokens[i] = fan.Token
			}
			page := "/works/" + id + "/" + work.Slugify("手工牛皮钱包 Leather wallet")
			for _, clients := range []int{1, 16} {
				b.Run(fmt.Sprintf("work_page_%d_clients", clients), func(b *testing.B) { measurePage(b, rig, page, clients) })
				b.Run(fmt.Sprintf("favourite_%d_clients", clients), func(b *testing.B) {
					measureClients(b, clients, func(client, n int) int {
						method := "POST" // a client favourites, then undoes it, in turn
						if n%2 == 1 {
							method = "DELETE"
						}
						req := httptest.NewRequest(method, "/api/v1/works/"+id+"/favorite", nil)
						req.Header.Set("Authorization", "Bearer "+tokens[client])
						rec := httptest.NewRecorder()
						rig.App.Handler.ServeHTTP(rec, req)
						if rec.Code == http.StatusNoContent {
							return http.StatusOK
						}
						return rec.Code
					})
				})
			}
			// Whatever was favourited last is counted exactly.
			if err := rig.App.Queue.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// measurePage serves the page at path to clients at once (see measureClients).
func measurePage(b *testing.B, rig *testrig.Rig, path string, clients int) {
	measureClients(b, clients, func(int, int) int {
		rec := httptest.NewRecorder()
		rig.App.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code
	})
}

// measureClients runs b.N calls of op spread over clients goroutines and
// reports each call's latency (p50, p99) and the calls per second. op gets
// its client's number and how many calls that client made before; it
// answers the HTTP status, which must be 200.
func measureClients(b *testing.B, clients int, op func(client, n int) int) {
	measureClientsAfter(b, clients, nil, op)
}

// measureClientsAfter is measureClients with prepare run before each call,
// outside its latency (a buyer's cart filled before the checkout timed).
func measureClientsAfter(b *testing.B, clients int, prepare func(client, n int), op func(client, n int) int) {
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if prepare != nil {
					prepare(c, n)
				}
				t0 := time.Now()
				if code := op(c, n); code != http.StatusOK {
					b.Errorf("client %d call %d: status %d", c, n, code)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(0, "ns/op")
}
