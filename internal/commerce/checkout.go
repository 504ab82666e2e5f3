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
	"guildhall/internal/problem"
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
