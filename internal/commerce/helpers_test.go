package commerce_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/app"
	"guildhall/internal/commerce"
	"guildhall/internal/config"
	"guildhall/internal/maker"
	"guildhall/internal/payment"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// clock is the fake clock the service runs on: tests move it instead of
// sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeCard is a card provider in memory, idempotent by key as Stripe is.
// The real Stripe adapter has its own tests against stripe-mock.
type fakeCard struct {
	mu       sync.Mutex
	started  map[string]payment.Started // Charge.Key -> answer
	charges  map[string]payment.Charge  // ref -> charge
	refunds  map[string]payment.RefundRequest
	canceled []string
	failNext error
}

func newFakeCard() *fakeCard {
	return &fakeCard{started: map[string]payment.Started{}, charges: map[string]payment.Charge{}, refunds: map[string]payment.RefundRequest{}}
}

func (f *fakeCard) Method() string { return payment.MethodStripe }

func (f *fakeCard) Start(_ context.Context, c payment.Charge) (payment.Started, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		return payment.Started{}, err
	}
	if st, ok := f.started[c.Key]; ok {
		return st, nil
	}
	ref := fmt.Sprintf("pi_%d", len(f.started)+1)
	st := payment.Started{Ref: ref, ClientSecret: ref + "_secret", Status: payment.StatusPending}
	f.started[c.Key], f.charges[ref] = st, c
	return st, nil
}

func (f *fakeCard) Cancel(_ context.Context, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.canceled = append(f.canceled, ref)
	return nil
}

func (f *fakeCard) Refund(_ context.Context, r payment.RefundRequest) (payment.Refunded, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refunds[r.Key] = r
	return payment.Refunded{Ref: "re_" + r.Key, Status: payment.StatusSucceeded}, nil
}

func (f *fakeCard) refunded() []payment.RefundRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]payment.RefundRequest, 0, len(f.refunds))
	for _, r := range f.refunds {
		out = append(out, r)
	}
	return out
}

// succeeded is the event the provider sends when ref is paid.
func (f *fakeCard) succeeded(id, ref string) payment.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.charges[ref]
	return payment.Event{ID: id, Type: payment.EventSucceeded, Ref: ref, Amount: c.Amount, Currency: c.Currency, Metadata: c.Metadata}
}

// env is Guildhall as internal/app builds it, on embedded FerretDB and
// Bleve in a temp dir of its own, with a fake clock and a fake card
// provider.
type env struct {
	t     testing.TB
	ctx   context.Context
	app   *app.App
	c     *commerce.Service
	clock *clock
	card  *fakeCard
	n     int
	addrs map[string]string // user -> an address of theirs in CN
}

// mustOpen starts a fresh store; noCard leaves card payments unconfigured.
func mustOpen(t testing.TB, noCard ...bool) *env {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(func(k string) string {
		// A generous service timeout: a thousand racers share embedded
		// FerretDB's one connection, and a busy machine must not turn the
		// wait for it into failures the test would blame on the code.
		return map[string]string{"GUILDHALL_DATA_DIR": dir, "GUILDHALL_RATELIMIT": "off",
			"GUILDHALL_SERVICE_TIMEOUT": "2m"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: context.Background(), addrs: map[string]string{}, clock: &clock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}, card: newFakeCard()}
	o := app.Options{Argon2: account.Argon2Params{Memory: 1024, Time: 1, Threads: 1}, Card: e.card, Now: e.clock.Now}
	if len(noCard) > 0 && noCard[0] {
		o.Card = nil
	}
	a, err := app.Open(e.ctx, cfg, slog.New(slog.DiscardHandler), o)
	if err != nil {
		t.Fatalf("open guildhall: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	e.app, e.c = a, a.Commerce
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// user signs someone up.
func (e *env) user(handle string) *account.User {
	e.t.Helper()
	u, _, err := e.app.Accounts.SignUp(e.ctx, account.SignUp{Email: handle + "@example.com", Password: "a long enough password",
		Handle: handle, DisplayName: "User " + handle}, "127.0.0.1")
	e.must(err)
	return u
}

// reread returns u as stored now (roles, counters).
func (e *env) reread(u *account.User) *account.User {
	e.t.Helper()
	fresh, err := e.app.Accounts.ByHandle(e.ctx, u.Handle)
	e.must(err)
	return fresh
}

// shopOpts set up a maker's shop.
type shopOpts struct {
	currency string
	offline  bool
	stripe   bool
	rates    []commerce.RateInput
	freeOver *commerce.Money
}

// maker opens a studio that ships from China (10.00 domestic, 5.00 each
// more; 80.00 international) and takes both payment methods.
func (e *env) maker(handle string, opts ...func(*shopOpts)) *account.User {
	e.t.Helper()
	u := e.user(handle)
	_, err := e.app.Makers.PutStudio(e.ctx, u, maker.StudioInput{Name: "Studio " + handle})
	e.must(err)
	u = e.reread(u)
	o := shopOpts{currency: "CNY", offline: true, stripe: true}
	for _, f := range opts {
		f(&o)
	}
	m := func(a int64) commerce.Money { return commerce.Money{Amount: a, Currency: o.currency} }
	if o.rates == nil {
		o.rates = []commerce.RateInput{{To: "domestic", FirstItem: m(1000), EachAdditional: m(500)},
			{To: "international", FirstItem: m(8000), EachAdditional: m(2000)}}
	}
	_, err = e.c.PutShipping(e.ctx, u, commerce.ShippingInput{ProcessingDays: commerce.DayRange{Min: 1, Max: 3}, ShipsFrom: "CN",
		Rates: o.rates, FreeOver: o.freeOver})
	e.must(err)
	_, err = e.c.PutPayments(e.ctx, u, commerce.PaymentsInput{Offline: commerce.OfflineInput{Enabled: o.offline,
		Instructions: "Alipay to 138 0000 0000, note your order number"}, Stripe: o.stripe})
	e.must(err)
	return u
}

// work publishes a work of price (minor units of currency) with stock
// (-1: made to order) and options given as name=price.
func (e *env) work(m *account.User, title string, price int64, stock int, options ...work.VariantInput) *work.Work {
	e.t.Helper()
	currency := "CNY"
	if len(options) > 0 && options[0].Price.Currency != "" {
		currency = options[0].Price.Currency
	}
	return e.workIn(m, title, work.Money{Amount: price, Currency: currency}, stock, options...)
}

func (e *env) workIn(m *account.User, title string, price work.Money, stock int, options ...work.VariantInput) *work.Work {
	e.t.Helper()
	cat, published := "ceramics", work.StatusPublished
	in := work.Input{Title: &title, Price: &price, Category: &cat, Status: &published}
	if stock < 0 {
		yes := true
		in.MadeToOrder = &yes
	} else {
		in.Stock = &stock
	}
	if len(options) > 0 {
		in.Variants = &options
	}
	w, err := e.app.Works.Create(e.ctx, m, in)
	e.must(err)
	return w
}

// address gives u an address in country and returns its id.
func (e *env) address(u *account.User, country string) string {
	e.t.Helper()
	a, err := e.c.AddAddress(e.ctx, u, commerce.AddressInput{Name: "Li Lei", Phone: "+86 138 0000 0000", Country: country,
		Region: "Zhejiang", City: "Hangzhou", Line1: "1 West Lake Road", PostalCode: "310000"})
	e.must(err)
	return a.ID
}

// buy puts quantity of w (in option) in u's cart.
func (e *env) buy(u *account.User, w *work.Work, option string, quantity int) {
	e.t.Helper()
	e.must(e.c.SetCartItem(e.ctx, u, w.ID, option, quantity))
}

// checkout checks u's cart out with a fresh key, offline, to addressID.
func (e *env) checkout(u *account.User, addressID string, edit ...func(*commerce.CheckoutInput)) (*commerce.CheckoutResult, error) {
	e.n++
	in := commerce.CheckoutInput{Key: fmt.Sprintf("key-%d", e.n), AddressID: addressID, PaymentMethod: payment.MethodOffline}
	for _, f := range edit {
		f(&in)
	}
	return e.c.Checkout(e.ctx, u, in)
}

// order checks out u's cart of quantity of a fresh work by m and returns
// the order.
func (e *env) order(buyer, m *account.User, method string, quantity int) (*commerce.Order, *work.Work) {
	e.t.Helper()
	e.n++
	w := e.work(m, fmt.Sprintf("Bowl %d", e.n), 12900, 10)
	e.buy(buyer, w, "", quantity)
	if e.addrs[buyer.ID] == "" {
		e.addrs[buyer.ID] = e.address(buyer, "CN")
	}
	r, err := e.checkout(buyer, e.addrs[buyer.ID], func(in *commerce.CheckoutInput) { in.PaymentMethod = method })
	e.must(err)
	o, err := e.c.Order(e.ctx, buyer, r.Orders[0].ID)
	e.must(err)
	return o, w
}

// stock reads a work's stock and holds straight from the store.
func (e *env) stock(workID string) (int, map[string]int) {
	e.t.Helper()
	var w struct {
		Stock int            `bson:"stock"`
		Holds map[string]int `bson:"holds"`
	}
	e.must(e.app.DB.Database.Collection(work.Collection).FindOne(e.ctx, bson.M{"_id": workID}).Decode(&w))
	return w.Stock, w.Holds
}

// sales reads a work's sales count from the store.
func (e *env) sales(workID string) int {
	e.t.Helper()
	w, err := e.app.Works.Get(e.ctx, nil, workID)
	e.must(err)
	return w.Counts.Sales
}

// act takes action on order id as u.
func (e *env) act(u *account.User, id, action string, in commerce.ActInput) *commerce.Order {
	e.t.Helper()
	o, err := e.c.Act(e.ctx, u, id, action, in)
	if err != nil {
		p, _ := problem.As(err)
		e.t.Fatalf("%s %s by %s: %v %+v", action, id, u.Handle, err, p)
	}
	return o
}

// code is the problem code of err, "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return "unclassified: " + err.Error()
}

func kind(err error) problem.Kind { return problem.KindOf(err) }
