package commerce

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/payment"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// States of a checkout intent.
const (
	checkoutRunning = "running"
	checkoutDone    = "done"
	checkoutFailed  = "failed"
)

// Steps of a checkout, in order (named for the test hook).
const (
	StepIntent  = "intent"
	StepTook    = "took:" // and the work id: one work's stock is taken
	StepStock   = "stock"
	StepOrders  = "orders"
	StepPayment = "payment"
	StepDone    = "done"
)

// CheckoutInput is a checkout request. Key is the Idempotency-Key.
type CheckoutInput struct {
	Key           string
	AddressID     string
	PaymentMethod string
	Note          string
	ExpectedTotal *Money // the total the buyer saw; optional for API clients
	Maker         string // "": every maker in the cart; else only this maker's lines
}

// CheckoutResult is a checkout's answer: the orders it made and the one
// payment that pays for them.
type CheckoutResult struct {
	Orders  []OrderSummary `bson:"orders"`
	Payment PaymentView    `bson:"payment"`
	// Replayed is set when the answer is the stored answer to an earlier
	// request with the same key and body.
	Replayed bool `bson:"-"`
}

// OrderSummary is one order of a checkout's answer.
type OrderSummary struct {
	ID     string `bson:"id"`
	Number string `bson:"number"`
	Maker  Party  `bson:"maker"`
	Total  Money  `bson:"total"`
	Status string `bson:"status"`
}

// checkout is the intent, _id "<user>:<key>", inserted before anything
// else with the request's hash and its plan.
type checkout struct {
	ID        string          `bson:"_id"`
	UserID    string          `bson:"user_id"`
	Hash      string          `bson:"hash"`
	State     string          `bson:"state"`
	Plan      *plan           `bson:"plan,omitempty"`
	Result    *CheckoutResult `bson:"result,omitempty"`
	Failure   *failure        `bson:"failure,omitempty"`
	CreatedAt time.Time       `bson:"created_at"`
	// A repair job claims a checkout with a token; a claim older than
	// RepairAfter is a repair that crashed, and may be taken over.
	Claim     string     `bson:"claim,omitempty"`
	ClaimedAt *time.Time `bson:"claimed_at,omitempty"`
}

// failure is a stored failed answer, replayed to a retry with the key.
// Field names hold dots ("lines.<work>"), which FerretDB refuses in keys,
// so fields are stored as a list.
type failure struct {
	Kind    int          `bson:"kind"`
	Code    string       `bson:"code"`
	Message string       `bson:"message"`
	Fields  []fieldError `bson:"fields,omitempty"`
	Total   *Money       `bson:"total,omitempty"`
	WorkIDs []string     `bson:"work_ids,omitempty"`
}

type fieldError struct {
	Field   string `bson:"field"`
	Message string `bson:"message"`
}

func failureOf(p *problem.Error) *failure {
	f := &failure{Kind: int(p.Kind), Code: p.Code, Message: p.Message}
	for k, v := range p.Fields {
		f.Fields = append(f.Fields, fieldError{k, v})
	}
	if t, ok := p.Data["total"].(Money); ok {
		f.Total = &t
	}
	if ids, ok := p.Data["work_ids"].([]string); ok {
		f.WorkIDs = ids
	}
	return f
}

func (f *failure) problem() *problem.Error {
	p := &problem.Error{Kind: problem.Kind(f.Kind), Code: f.Code, Message: f.Message}
	if len(f.Fields) > 0 {
		p.Fields = map[string]string{}
		for _, fe := range f.Fields {
			p.Fields[fe.Field] = fe.Message
		}
	}
	if f.Total != nil {
		p.Data = map[string]any{"total": *f.Total}
	}
	if f.WorkIDs != nil {
		p.Data = map[string]any{"work_ids": f.WorkIDs}
	}
	return p
}

// ReplayedError is a failure answered again to a retry with the same key
// and body (the API sets Idempotent-Replayed on it as on a success).
type ReplayedError struct{ Err error }

func (e *ReplayedError) Error() string { return e.Err.Error() }
func (e *ReplayedError) Unwrap() error { return e.Err }

// IsReplayed reports whether err is a replayed answer.
func IsReplayed(err error) bool {
	var r *ReplayedError
	return errors.As(err, &r)
}

// checkKey reads an Idempotency-Key: 1 to 255 printable ASCII characters.
func checkKey(key string) error {
	if key == "" {
		return &problem.Error{Kind: problem.KindMalformed, Code: "idempotency_key_required", Message: "idempotency_key_required",
			Fields: map[string]string{"Idempotency-Key": "required"}}
	}
	ok := len(key) <= 255
	for i := 0; i < len(key) && ok; i++ {
		ok = key[i] >= 0x20 && key[i] <= 0x7e
	}
	if !ok {
		return &problem.Error{Kind: problem.KindMalformed, Code: "idempotency_key_invalid", Message: "idempotency_key_invalid",
			Fields: map[string]string{"Idempotency-Key": "idempotency_key_invalid"}}
	}
	return nil
}

// Checkout buys what u's cart holds (or the part of one maker), making one
// order per maker and one payment for them all. The intent is inserted
// first, keyed by the Idempotency-Key: a repeat with the same key and body
// answers the first answer again; with another body it is refused; while
// the first still runs it is told so. Then stock is taken (all of it or
// none), then the orders are written, then the payment is started, then
// the intent records its answer. A crash anywhere leaves the intent
// running for the repair job (repair.go), which finishes or undoes it.
func (s *Service) Checkout(ctx context.Context, u *account.User, in CheckoutInput) (*CheckoutResult, error) {
	if err := checkKey(in.Key); err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	f := map[string]string{}
	if in.PaymentMethod != payment.MethodOffline && in.PaymentMethod != payment.MethodStripe {
		f["payment_method"] = "payment_method_unknown"
	}
	problem.CheckLength(f, "note", in.Note, 0, 500)
	if in.AddressID == "" {
		f["address_id"] = "required"
	}
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return nil, problem.Unavailable("checkout", ctx.Err())
	}
	c := &checkout{ID: u.ID + ":" + in.Key, UserID: u.ID, Hash: requestHash(in), State: checkoutRunning, CreatedAt: s.clock()}
	p, err := s.makePlan(ctx, u, c.ID, in)
	refused, isProblem := problem.As(err)
	switch {
	case err != nil && !isProblem:
		return nil, err
	case err != nil:
		c.State, c.Failure = checkoutFailed, failureOf(refused)
	default:
		c.Plan = p
	}
	if _, err := s.checkouts.InsertOne(ctx, c); mongodb.IsDuplicate(err) {
		return s.replay(ctx, c.ID, c.Hash)
	} else if err != nil {
		return nil, mongodb.Classify("record checkout", err)
	}
	if c.State == checkoutFailed {
		return nil, refused
	}
	if err := s.step(ctx, c.ID, StepIntent); err != nil {
		return nil, err
	}
	return s.run(ctx, c)
}

// replay answers a repeated key from what its intent holds.
func (s *Service) replay(ctx context.Context, id, hash string) (*CheckoutResult, error) {
	c, err := s.readCheckout(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Hash != hash:
		return nil, invalid("idempotency_key_reused", map[string]string{"Idempotency-Key": "idempotency_key_reused"})
	case c.State == checkoutDone:
		r := *c.Result
		r.Replayed = true
		return &r, nil
	case c.State == checkoutFailed:
		return nil, &ReplayedError{Err: c.Failure.problem()}
	}
	return nil, problem.Conflict("idempotency_key_in_use", "Idempotency-Key", "idempotency_key_in_use")
}

func (s *Service) readCheckout(ctx context.Context, id string) (*checkout, error) {
	var c checkout
	if err := s.checkouts.FindOne(ctx, bson.M{"_id": id}).Decode(&c); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("checkout")
		}
		return nil, mongodb.Classify("read checkout", err)
	}
	return &c, nil
}

// run takes the stock of a recorded plan, then finishes the checkout.
func (s *Service) run(ctx context.Context, c *checkout) (*CheckoutResult, error) {
	if err := s.takeStock(ctx, c.ID, c.Plan); err != nil {
		if p, ok := problem.As(err); ok {
			return nil, s.fail(ctx, c, p)
		}
		return nil, err // left running: the repair job decides from the holds
	}
	if err := s.step(ctx, c.ID, StepStock); err != nil {
		return nil, err
	}
	return s.finish(ctx, c)
}

// takeStock takes every stock line of p in work-id order; if one fails,
// what the earlier ones took is given back and the answer names the work.
func (s *Service) takeStock(ctx context.Context, checkoutID string, p *plan) error {
	lines := p.stockLines()
	for i, l := range lines {
		err := s.works.TakeStock(ctx, l.WorkID, l.OrderID, l.N)
		if err == nil {
			if err := s.step(ctx, checkoutID, StepTook+l.WorkID); err != nil {
				return err
			}
			continue
		}
		if gbErr := s.giveBack(ctx, lines[:i]); gbErr != nil {
			return errors.Join(err, gbErr)
		}
		switch {
		case errors.Is(err, work.ErrOutOfStock):
			return outOfStock([]string{l.WorkID})
		case errors.Is(err, work.ErrNotForSale):
			return invalid("work_unavailable", map[string]string{"lines." + l.WorkID: "work_unavailable"})
		}
		return err
	}
	return nil
}

// giveBack returns what lines took.
func (s *Service) giveBack(ctx context.Context, lines []stockLine) error {
	var errs []error
	for _, l := range lines {
		errs = append(errs, s.works.ReturnStock(ctx, l.WorkID, l.OrderID, l.N))
	}
	return errors.Join(errs...)
}

// fail records p as the checkout's answer; nothing it planned is held.
func (s *Service) fail(ctx context.Context, c *checkout, p *problem.Error) error {
	_, err := s.checkouts.UpdateOne(ctx, bson.M{"_id": c.ID}, bson.M{"$set": bson.M{"state": checkoutFailed, "failure": failureOf(p)}})
	if err != nil {
		return mongodb.Classify("record checkout failure", err)
	}
	return p
}

// finish writes the orders (an order already there is one a crashed run
// wrote), starts the payment and records the answer. The repair job calls
// it too, once the plan's stock is known to be held.
func (s *Service) finish(ctx context.Context, c *checkout) (*CheckoutResult, error) {
	for i := range c.Plan.Orders {
		if err := s.createOrder(ctx, c, &c.Plan.Orders[i]); err != nil {
			return nil, err
		}
	}
	if err := s.step(ctx, c.ID, StepOrders); err != nil {
		return nil, err
	}
	pay, err := s.startPayment(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := s.step(ctx, c.ID, StepPayment); err != nil {
		return nil, err
	}
	// The bought lines leave the cart before the answer is recorded, so a
	// crash between leaves them to the repair (removing is idempotent).
	if err := s.removeLines(ctx, c.UserID, c.Plan.CartKeys); err != nil {
		return nil, err
	}
	r := &CheckoutResult{Payment: pay.view()}
	for _, o := range c.Plan.Orders {
		r.Orders = append(r.Orders, OrderSummary{ID: o.ID, Number: o.Number, Maker: o.Maker, Total: o.Amounts.Total,
			Status: StatusPendingPayment})
	}
	_, err = s.checkouts.UpdateOne(ctx, bson.M{"_id": c.ID}, bson.M{"$set": bson.M{"state": checkoutDone, "result": r},
		"$unset": bson.M{"claim": "", "claimed_at": ""}})
	if err != nil {
		return nil, mongodb.Classify("record checkout answer", err)
	}
	if err := s.step(ctx, c.ID, StepDone); err != nil {
		return nil, err
	}
	return r, nil
}

// createOrder writes planned order o (its first event is its placing) and
// tells the maker.
func (s *Service) createOrder(ctx context.Context, c *checkout, po *plannedOrder) error {
	p := c.Plan
	status := PayAwaiting
	if p.Method == payment.MethodStripe {
		status = PayPending
	}
	expires := c.CreatedAt.Add(s.expiry(p.Method))
	o := &Order{ID: po.ID, Number: po.Number, CheckoutID: c.ID, Buyer: p.Buyer, Maker: po.Maker, Lines: po.Lines,
		Currency: p.Currency, Amounts: po.Amounts, ShippingAddress: po.Address, Note: po.Note,
		Payment: OrderPayment{ID: p.PaymentID, Method: p.Method, Status: status, Instructions: po.Instructions, QRURL: po.QRURL},
		Status:  StatusPendingPayment, Version: 1, HoldKey: po.ID, ExpiresAt: &expires, CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt}
	ev := &Event{ID: eventID(o.ID, 1), OrderID: o.ID, N: 1, At: c.CreatedAt, By: Actor{ID: p.Buyer.ID, Handle: p.Buyer.Handle, Party: PartyBuyer},
		Action: ActionPlace, From: "", To: StatusPendingPayment, Data: map[string]string{"hold": o.HoldKey, "method": p.Method}}
	o.History = map[string]HistoryEntry{"e1": ev.entry()}
	if _, err := s.events.InsertOne(ctx, ev); err != nil && !mongodb.IsDuplicate(err) {
		return mongodb.Classify("record order event "+ev.ID, err)
	}
	err := s.queue.Write(ctx, OrdersKind, o.ID, func(ctx context.Context) (search.Document, error) {
		_, err := s.orders.InsertOne(ctx, o)
		if mongodb.IsDuplicate(err) { // a crashed run wrote it; it may have moved on since
			existing, err := s.readOrder(ctx, o.ID)
			if err != nil {
				return nil, err
			}
			return existing.searchDocument(), nil
		}
		if err != nil {
			return nil, mongodb.Classify("create order "+o.ID, err)
		}
		return o.searchDocument(), nil
	})
	if err != nil {
		return err
	}
	if err := s.effects(ctx, ev, o); err != nil {
		s.log.WarnContext(ctx, "tell the maker of an order", "order", o.ID, "err", err)
	}
	return nil
}
