package commerce

import (
	"context"
	"errors"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/notify"
	"guildhall/internal/payment"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
)

// effects does what event ev causes besides the order itself: stock,
// money, counters and notifications. The winner of the transition runs
// them; the repair job runs them again after a crash, so each is
// idempotent (or, for counters, done at most once by a key inserted first).
func (s *Service) effects(ctx context.Context, ev *Event, o *Order) error {
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	typ := ""
	switch ev.Action {
	case ActionPlace:
		typ = notify.TypeOrderPlaced
	case ActionPay:
		typ = notify.TypeOrderPaid
	case ActionConfirmPayment, ActionPaymentSucceeded:
		add(s.once(ctx, ev, "sales", func() error { return s.countSales(ctx, o, 1) }))
		typ = notify.TypeOrderPaid
	case ActionShip:
		add(s.forEachHeld(o, func(workID string, _ int) error { return s.works.ReleaseHold(ctx, workID, ev.Data["hold"]) }))
		typ = notify.TypeOrderShipped
	case ActionReceived:
		typ = notify.TypeOrderDelivered
	case ActionCancel:
		add(s.forEachHeld(o, func(workID string, n int) error { return s.works.ReturnStock(ctx, workID, ev.Data["hold"], n) }))
		if ev.From == StatusPaid {
			add(s.once(ctx, ev, "sales", func() error { return s.countSales(ctx, o, -1) }))
		} else {
			add(s.cancelPayment(ctx, o))
		}
		if refunds(ev) {
			add(s.refund(ctx, o, ev))
		}
		typ = notify.TypeOrderCancelled
	case ActionLateRefund:
		add(s.refund(ctx, o, ev))
	}
	if typ != "" {
		add(s.notifyParties(ctx, ev, o, typ))
	}
	return errors.Join(errs...)
}

// forEachHeld calls fn for each work of o that took stock, with the units
// (lines of one work in several options together), in work-id order.
func (s *Service) forEachHeld(o *Order, fn func(workID string, n int) error) error {
	units := map[string]int{}
	var ids []string
	for _, l := range o.Lines {
		if l.MadeToOrder {
			continue
		}
		if _, ok := units[l.WorkID]; !ok {
			ids = append(ids, l.WorkID)
		}
		units[l.WorkID] += l.Quantity
	}
	sort.Strings(ids)
	var errs []error
	for _, id := range ids {
		errs = append(errs, fn(id, units[id]))
	}
	return errors.Join(errs...)
}

// once runs fn unless effect of ev was started before: the key goes in
// first, so a crash between the two loses the effect rather than doubling
// it (what counters want).
func (s *Service) once(ctx context.Context, ev *Event, effect string, fn func() error) error {
	_, err := s.effectKeys.InsertOne(ctx, bson.M{"_id": ev.ID + ":" + effect, "at": ev.At})
	if mongodb.IsDuplicate(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("record effect "+effect+" of "+ev.ID, err)
	}
	return fn()
}

// countSales moves the sales counters of o's works and maker by sign
// times the units sold.
func (s *Service) countSales(ctx context.Context, o *Order, sign int) error {
	var errs []error
	units := 0
	for _, l := range o.Lines {
		units += l.Quantity
		errs = append(errs, s.works.CountSales(ctx, l.WorkID, sign*l.Quantity))
	}
	errs = append(errs, s.makers.AddSales(ctx, o.Maker.ID, sign*units))
	return errors.Join(errs...)
}

// refunds reports whether ev sends a card payment back through the
// provider.
func refunds(ev *Event) bool {
	return ev.Data["method"] == payment.MethodStripe &&
		(ev.Action == ActionLateRefund || (ev.Action == ActionCancel && ev.From == StatusPaid))
}

// refund gives a cancelled order's money back through its provider. An
// offline refund is sent by the maker and stays pending until the buyer
// (or an admin) says it arrived.
func (s *Service) refund(ctx context.Context, o *Order, ev *Event) error {
	prov := s.provider(o.Payment.Method)
	pay, err := s.readPayment(ctx, o.Payment.ID)
	if err != nil {
		return err
	}
	if prov == nil {
		return errors.New("refund order " + o.ID + ": card payments are not configured")
	}
	r, err := prov.Refund(ctx, payment.RefundRequest{Key: ev.ID + ":refund", Ref: pay.Ref, Amount: o.Amounts.Total.Amount,
		Currency: o.Currency, Reason: ev.Action})
	if err != nil {
		return err
	}
	status := PayRefundPending
	if r.Status == payment.StatusSucceeded {
		status = PayRefunded
	}
	return s.setOrder(ctx, o.ID, bson.M{"payment.status": status, "payment.refund_ref": r.Ref})
}

// cancelPayment abandons a card payment once every order it pays for is
// cancelled, best effort: a payment that arrives anyway is handled as late.
func (s *Service) cancelPayment(ctx context.Context, o *Order) error {
	if o.Payment.Method != payment.MethodStripe || s.card == nil {
		return nil
	}
	pay, err := s.readPayment(ctx, o.Payment.ID)
	if err != nil || pay.Ref == "" {
		return err
	}
	for _, id := range pay.OrderIDs {
		other, err := s.readOrder(ctx, id)
		if err != nil {
			return err
		}
		if other.Status != StatusCancelled {
			return nil
		}
	}
	if err := s.card.Cancel(ctx, pay.Ref); err != nil {
		s.log.WarnContext(ctx, "cancel card payment", "payment", pay.ID, "err", err)
	}
	return nil
}

// setOrder writes fields on an order outside a transition (what a
// provider answered), under the orders index intent.
func (s *Service) setOrder(ctx context.Context, id string, set bson.M) error {
	return s.queue.Write(ctx, OrdersKind, id, func(ctx context.Context) (search.Document, error) {
		var o Order
		err := s.orders.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": set},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&o)
		if err != nil {
			return nil, mongodb.Classify("update order "+id, err)
		}
		return o.searchDocument(), nil
	})
}

// notifyParties tells the parties who did not cause ev: the maker of what
// the buyer did and the other way round; both of what the platform or an
// admin did. Keyed by the event, so a repeat notifies no one.
func (s *Service) notifyParties(ctx context.Context, ev *Event, o *Order, typ string) error {
	var to []string
	if ev.By.Party != PartyBuyer {
		to = append(to, o.Buyer.ID)
	}
	if ev.By.Party != PartyMaker {
		to = append(to, o.Maker.ID)
	}
	actor := notify.Actor{ID: ev.By.ID, Handle: ev.By.Handle}
	switch ev.By.Party {
	case PartyBuyer:
		actor.Name = o.Buyer.Name
	case PartyMaker:
		actor.Name = o.Maker.Name
	}
	excerpt := ""
	if len(o.Lines) > 0 {
		excerpt = o.Lines[0].Title
	}
	var errs []error
	for _, id := range to {
		errs = append(errs, s.notifier.Notify(ctx, id, "order:"+eventID(o.ID, ev.N), notify.Notification{Type: typ, Actor: actor,
			OrderID: o.ID, Title: o.Number, Excerpt: excerpt, URL: o.Path(), CreatedAt: ev.At}))
	}
	return errors.Join(errs...)
}
