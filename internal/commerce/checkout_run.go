package commerce

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/payment"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

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
