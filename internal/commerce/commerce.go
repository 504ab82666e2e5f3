// Package commerce is buying on Guildhall: makers' shop settings (shipping
// and payment methods), buyers' addresses and carts, checkout without
// overselling, orders and their one transition table, payments through
// payment.Provider, and the private orders index that every order list
// comes from.
//
// Every write is a single-document write with a bare _id filter (the only
// filter embedded FerretDB serves by key) or an insert keyed by a natural
// id; there are no transactions. Multi-step work is made safe by intents
// written first: a checkout is an intent keyed "<user>:<Idempotency-Key>"
// carrying its plan, and each order transition is a numbered event
// "<order>:<n>" whose insert decides races. Repair jobs finish what a crash
// left behind.
package commerce

import (
	"context"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/maker"
	"guildhall/internal/notify"
	"guildhall/internal/payment"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/work"
)

// Collections owned by this feature.
const (
	ShopsCollection     = "shop_settings" // _id: the maker's id
	AddressesCollection = "addresses"     // _id: the user's id, the whole book
	CartsCollection     = "carts"         // _id: the user's id
	// CheckoutsCollection holds checkout intents, _id "<user>:<key>";
	// operational: kept KeepCheckouts, then swept.
	CheckoutsCollection = "checkouts"
	OrdersCollection    = "orders"
	EventsCollection    = "order_events" // _id "<order>:<n>"
	// RepairsCollection holds, per order (_id), the mark of a transition in
	// flight; operational: removed once the transition's effects are done.
	RepairsCollection = "order_repairs"
	// EffectsCollection: _id "<order>:<n>:<effect>", one per effect that
	// must happen at most once (sales counters).
	EffectsCollection       = "order_effects"
	PaymentsCollection      = "payments"       // _id: derived from the checkout
	PaymentEventsCollection = "payment_events" // _id: the provider's event id
	OrdersKind              = "orders"
)

// Money is an amount in minor units with its currency.
type Money = work.Money

// Indexes serve the repair jobs' scans of the operational collections and
// let MongoDB expire old checkouts (embedded FerretDB has no TTL: the
// sweeper deletes them there).
var Indexes = []mongodb.Index{
	{Collection: CheckoutsCollection, Keys: bson.D{{Key: "created_at", Value: 1}}, TTL: true, ExpireAfter: DefaultKeepCheckouts},
	{Collection: CheckoutsCollection, Keys: bson.D{{Key: "state", Value: 1}, {Key: "created_at", Value: 1}}},
	{Collection: RepairsCollection, Keys: bson.D{{Key: "at", Value: 1}}},
}

// DefaultKeepCheckouts is how long an Idempotency-Key is remembered; the
// issue asks for at least 24 hours.
const DefaultKeepCheckouts = 48 * time.Hour

// Notifier delivers notifications; key makes each one idempotent.
type Notifier interface {
	Notify(ctx context.Context, recipientID, key string, n notify.Notification) error
}

// CartCounter keeps the cart count on the user's document, so the header
// shows it without reading the cart. Implemented by account.
type CartCounter interface {
	AddCartCount(ctx context.Context, userID string, delta int) error
	SetCartCount(ctx context.Context, userID string, n int) error
}

// Images attaches an uploaded image (the offline payment QR) and returns
// the URL of a variant. Implemented by media.
type Images interface {
	AttachURL(ctx context.Context, ownerID, field, id, variant string) (string, error)
}

// Deps are what commerce builds on.
type Deps struct {
	Carts    CartCounter
	Works    *work.Service
	Makers   *maker.Service
	Images   Images
	Index    search.Index
	Queue    search.Indexer
	Notifier Notifier
	Offline  payment.Provider
	// Card is the card provider (Stripe); nil means card payments are not
	// configured: no studio can enable them and nothing else changes.
	Card payment.Provider
}

// Options configure the service; zero values take the defaults.
type Options struct {
	UnpaidExpiryOffline time.Duration // default 72h
	UnpaidExpiryCard    time.Duration // default 30m
	AutoReceiveAfter    time.Duration // default 14 days
	ProtectionDays      int           // default 60
	// RepairAfter is how old a running checkout or an unfinished
	// transition must be before a repair job takes it over: several times
	// the request timeout, so no request can still be working on it.
	RepairAfter   time.Duration // default 5m
	KeepCheckouts time.Duration // default DefaultKeepCheckouts; at least 24h
	// CheckoutSlots bounds the checkouts at work at once (default 8); the
	// rest wait their turn in the process. Embedded FerretDB runs one
	// command at a time over one connection: a thousand checkouts sending
	// their commands together would each wait behind all the others' and
	// time out, where a few at a time each finish quickly.
	CheckoutSlots int
	Now           func() time.Time
	Logger        *slog.Logger
}

// Service implements commerce.
type Service struct {
	shops, addresses, carts, checkouts, orders, events, repairs, effectKeys, payments, paymentEvents *mongo.Collection

	cartCount CartCounter
	works     *work.Service
	makers    *maker.Service
	images    Images
	index     search.Index
	queue     search.Indexer
	notifier  Notifier
	offline   payment.Provider
	card      payment.Provider
	opt       Options
	log       *slog.Logger
	slots     chan struct{}
	// step, in tests, runs after each step of a checkout; an error stops
	// the checkout right there, as a crash would.
	step func(ctx context.Context, checkoutID, step string) error
}

// New returns the commerce service.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.UnpaidExpiryOffline <= 0 {
		o.UnpaidExpiryOffline = 72 * time.Hour
	}
	if o.UnpaidExpiryCard <= 0 {
		o.UnpaidExpiryCard = 30 * time.Minute
	}
	if o.AutoReceiveAfter <= 0 {
		o.AutoReceiveAfter = 14 * 24 * time.Hour
	}
	if o.ProtectionDays <= 0 {
		o.ProtectionDays = 60
	}
	if o.RepairAfter <= 0 {
		o.RepairAfter = 5 * time.Minute
	}
	if o.KeepCheckouts < 24*time.Hour {
		o.KeepCheckouts = DefaultKeepCheckouts
	}
	if o.CheckoutSlots <= 0 {
		o.CheckoutSlots = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if d.Offline == nil {
		d.Offline = payment.Offline{}
	}
	s := &Service{
		shops: db.Collection(ShopsCollection), addresses: db.Collection(AddressesCollection),
		carts: db.Collection(CartsCollection), checkouts: db.Collection(CheckoutsCollection),
		orders: db.Collection(OrdersCollection), events: db.Collection(EventsCollection),
		repairs: db.Collection(RepairsCollection), effectKeys: db.Collection(EffectsCollection),
		payments: db.Collection(PaymentsCollection), paymentEvents: db.Collection(PaymentEventsCollection),
		cartCount: d.Carts, works: d.Works, makers: d.Makers, images: d.Images, index: d.Index, queue: d.Queue,
		notifier: d.Notifier, offline: d.Offline, card: d.Card, opt: o, log: o.Logger, slots: make(chan struct{}, o.CheckoutSlots),
		step: func(context.Context, string, string) error { return nil },
	}
	d.Queue.Register(OrdersKind, OrdersCollection, projectOrder)
	return s
}

func (s *Service) clock() time.Time { return s.opt.Now().UTC().Truncate(time.Millisecond) }

// CardConfigured reports whether card payments can be offered at all.
func (s *Service) CardConfigured() bool { return s.card != nil }

// provider returns the provider of method, or nil.
func (s *Service) provider(method string) payment.Provider {
	switch method {
	case payment.MethodOffline:
		return s.offline
	case payment.MethodStripe:
		return s.card
	}
	return nil
}
