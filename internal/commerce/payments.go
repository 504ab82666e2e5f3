package commerce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/payment"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Why the platform cancelled an order.
const (
	ReasonExpired         = "expired"          // not paid in time
	ReasonPaymentCanceled = "payment_canceled" // the provider will never collect it
)

// paymentRecord is a checkout's one payment, _id derived from the
// checkout, so a repair starts the same payment (the provider's Charge.Key
// is derived from it too).
type paymentRecord struct {
	ID           string    `bson:"_id"`
	CheckoutID   string    `bson:"checkout_id"`
	Method       string    `bson:"method"`
	Ref          string    `bson:"ref"`
	ClientSecret string    `bson:"client_secret,omitempty"`
	Status       string    `bson:"status"`
	Amount       Money     `bson:"amount"`
	Refunded     int64     `bson:"refunded"`
	OrderIDs     []string  `bson:"order_ids"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

// PaymentView is what the buyer needs to pay: the card form confirms with
// ClientSecret; offline instructions are on each order.
type PaymentView struct {
	ID           string `bson:"id"`
	Method       string `bson:"method"`
	Status       string `bson:"status"`
	Amount       Money  `bson:"amount"`
	ClientSecret string `bson:"client_secret,omitempty"`
}

func (r *paymentRecord) view() PaymentView {
	return PaymentView{ID: r.ID, Method: r.Method, Status: r.Status, Amount: r.Amount, ClientSecret: r.ClientSecret}
}

func (s *Service) readPayment(ctx context.Context, id string) (*paymentRecord, error) {
	var r paymentRecord
	if err := s.payments.FindOne(ctx, bson.M{"_id": id}).Decode(&r); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("payment")
		}
		return nil, mongodb.Classify("read payment "+id, err)
	}
	return &r, nil
}

// Payment returns the payment of order o (which viewer may see, from
// Order): what the card form needs. The client secret, which confirms the
// card, is the buyer's alone.
func (s *Service) Payment(ctx context.Context, viewer *account.User, o *Order) (*PaymentView, error) {
	r, err := s.readPayment(ctx, o.Payment.ID)
	if err != nil {
		return nil, err
	}
	v := r.view()
	if viewer == nil || viewer.ID != o.Buyer.ID {
		v.ClientSecret = ""
	}
	return &v, nil
}

// startPayment starts the checkout's one payment, unless a crashed run
// started it already.
func (s *Service) startPayment(ctx context.Context, c *checkout) (*paymentRecord, error) {
	p := c.Plan
	if r, err := s.readPayment(ctx, p.PaymentID); err == nil {
		return r, nil
	} else if problem.KindOf(err) != problem.KindNotFound {
		return nil, err
	}
	prov := s.provider(p.Method)
	if prov == nil {
		return nil, fmt.Errorf("start payment %s: no provider for %s", p.PaymentID, p.Method)
	}
	ids, numbers := make([]string, 0, len(p.Orders)), make([]string, 0, len(p.Orders))
	for _, o := range p.Orders {
		ids, numbers = append(ids, o.ID), append(numbers, o.Number)
	}
	st, err := prov.Start(ctx, payment.Charge{Key: "guildhall-" + p.PaymentID, Amount: p.Total.Amount, Currency: p.Total.Currency,
		Description: "Guildhall " + strings.Join(numbers, ", "),
		Metadata:    map[string]string{"payment_id": p.PaymentID, "order_ids": strings.Join(ids, ",")}})
	if err != nil {
		return nil, fmt.Errorf("start payment %s: %w", p.PaymentID, err)
	}
	now := s.clock()
	r := &paymentRecord{ID: p.PaymentID, CheckoutID: c.ID, Method: p.Method, Ref: st.Ref, ClientSecret: st.ClientSecret,
		Status: st.Status, Amount: p.Total, OrderIDs: ids, CreatedAt: now, UpdatedAt: now}
	if _, err := s.payments.InsertOne(ctx, r); mongodb.IsDuplicate(err) {
		return s.readPayment(ctx, p.PaymentID)
	} else if err != nil {
		return nil, mongodb.Classify("record payment "+p.PaymentID, err)
	}
	return r, nil
}

// States of a payment event's record.
const (
	eventApplying = "applying"
	eventApplied  = "applied"
)

type paymentEvent struct {
	State string    `bson:"state"`
	At    time.Time `bson:"at"`
}

// ApplyPaymentEvent applies what a provider reported, once per event id:
// the record of the id is inserted first. The same event delivered again
// after it was applied changes nothing; while it is being applied the
// repeat is told to come back (409), so the provider redelivers it later;
// an application that crashed is taken over by a delivery RepairAfter on.
func (s *Service) ApplyPaymentEvent(ctx context.Context, ev payment.Event) error {
	if ev.ID == "" || ev.Type == "" {
		return nil
	}
	now := s.clock()
	_, err := s.paymentEvents.InsertOne(ctx, bson.M{"_id": ev.ID, "type": ev.Type, "ref": ev.Ref, "state": eventApplying, "at": now})
	if mongodb.IsDuplicate(err) {
		if err := s.claimPaymentEvent(ctx, ev.ID, now); err != nil {
			return err
		}
	} else if err != nil {
		return mongodb.Classify("record payment event", err)
	}
	if err := s.applyPaymentEvent(ctx, ev); err != nil {
		// Let a redelivery try again at once.
		_, _ = s.paymentEvents.DeleteOne(context.WithoutCancel(ctx), bson.M{"_id": ev.ID})
		return err
	}
	_, err = s.paymentEvents.UpdateOne(ctx, bson.M{"_id": ev.ID}, bson.M{"$set": bson.M{"state": eventApplied}})
	return mongodb.Classify("record payment event applied", err)
}

// claimPaymentEvent decides what a repeated delivery of event id does.
func (s *Service) claimPaymentEvent(ctx context.Context, id string, now time.Time) error {
	var seen paymentEvent
	if err := s.paymentEvents.FindOne(ctx, bson.M{"_id": id}).Decode(&seen); err != nil {
		return mongodb.Classify("read payment event", err)
	}
	inProgress := problem.Conflict("order_event_in_progress", "", "order_event_in_progress")
	switch {
	case seen.State == eventApplied:
		return nil
	case now.Sub(seen.At) < s.opt.RepairAfter:
		return inProgress
	}
	var before paymentEvent
	err := s.paymentEvents.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"at": now}}).Decode(&before)
	if err != nil {
		return mongodb.Classify("claim payment event", err)
	}
	if !before.At.Equal(seen.At) { // another delivery took it over first
		return inProgress
	}
	return nil
}

func (s *Service) applyPaymentEvent(ctx context.Context, ev payment.Event) error {
	pay, err := s.readPayment(ctx, ev.Metadata["payment_id"])
	if problem.KindOf(err) == problem.KindNotFound {
		// A checkout whose run crashed before recording its payment: the
		// repair job records it, and the provider delivers again.
		return problem.Conflict("payment_unknown", "", "order_event_in_progress")
	}
	if err != nil {
		return err
	}
	if pay.Ref != "" && ev.Ref != "" && pay.Ref != ev.Ref {
		s.log.WarnContext(ctx, "payment event about another payment", "event", ev.ID, "payment", pay.ID)
		return nil
	}
	var ids []string
	for _, id := range strings.Split(ev.Metadata["order_ids"], ",") {
		if slices.Contains(pay.OrderIDs, id) {
			ids = append(ids, id)
		}
	}
	set := bson.M{"updated_at": s.clock()}
	switch ev.Type {
	case payment.EventSucceeded:
		set["status"] = payment.StatusSucceeded
	case payment.EventCanceled:
		set["status"] = payment.StatusCanceled
	case payment.EventFailed:
		set["status"] = payment.StatusFailed
	case payment.EventRefunded:
		set["refunded"] = ev.Amount
	}
	if _, err := s.payments.UpdateOne(ctx, bson.M{"_id": pay.ID}, bson.M{"$set": set}); err != nil {
		return mongodb.Classify("update payment "+pay.ID, err)
	}
	var errs []error
	for _, id := range ids {
		switch ev.Type {
		case payment.EventSucceeded:
			errs = append(errs, s.paymentSucceeded(ctx, id))
		case payment.EventCanceled:
			_, err := s.system(ctx, id, ActionCancel, ActInput{Reason: ReasonPaymentCanceled}, nil)
			if problem.KindOf(err) != problem.KindConflict {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// paymentSucceeded marks order id paid. An order that expired meanwhile
// is re-opened if its stock can be taken again, and otherwise its share
// is refunded: no payment is left without an order.
func (s *Service) paymentSucceeded(ctx context.Context, id string) error {
	for range 8 {
		o, err := s.readOrder(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case o.Status == StatusPendingPayment:
			_, err = s.system(ctx, id, ActionPaymentSucceeded, ActInput{}, nil)
		case o.Status != StatusCancelled, o.Payment.Status == PayRefundPending, o.Payment.Status == PayRefunded:
			return nil // paid already, or its money is on its way back
		case o.CancelReason == ReasonExpired:
			err = s.reopen(ctx, o)
		default: // cancelled by a person: they did not want it
			_, err = s.system(ctx, id, ActionLateRefund, ActInput{}, map[string]string{"late": "late_payment_refunded"})
		}
		if problem.KindOf(err) != problem.KindConflict {
			return err
		}
	}
	return problem.Conflict("order_busy", "", "order_busy")
}

// reopen takes an expired order's stock again under a hold of its own and
// marks it paid; when the stock is gone the payment is refunded instead.
// The new hold key keeps this take apart from the expired hold, whose
// give-back may still be under way.
func (s *Service) reopen(ctx context.Context, o *Order) error {
	hold := o.ID + "-r" + strconv.Itoa(o.Version+1)
	var taken []stockLine
	undo := func() error {
		var errs []error
		for _, l := range taken {
			errs = append(errs, s.works.ReturnStock(ctx, l.WorkID, hold, l.N))
		}
		return errors.Join(errs...)
	}
	err := s.forEachHeld(o, func(workID string, n int) error {
		if err := s.works.TakeStock(ctx, workID, hold, n); err != nil {
			return err
		}
		taken = append(taken, stockLine{WorkID: workID, OrderID: hold, N: n})
		return nil
	})
	if errors.Is(err, work.ErrOutOfStock) || errors.Is(err, work.ErrNotForSale) {
		if err := undo(); err != nil {
			return err
		}
		_, err = s.system(ctx, o.ID, ActionLateRefund, ActInput{}, map[string]string{"late": "late_payment_refunded"})
		return err
	}
	if err == nil {
		_, err = s.system(ctx, o.ID, ActionPaymentSucceeded, ActInput{},
			map[string]string{"new_hold": hold, "late": "late_payment_reopened"})
	}
	if err != nil {
		return errors.Join(err, undo())
	}
	return nil
}
