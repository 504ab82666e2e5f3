package commerce

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// Event is one transition of an order, _id "<order>:<n>". Its insert
// decides races: of two transitions read from version n-1, one inserts
// event n and the other meets a duplicate key, reads again and decides
// again. The events are the order's history.
type Event struct {
	ID      string            `bson:"_id"`
	OrderID string            `bson:"order_id"`
	N       int               `bson:"n"`
	At      time.Time         `bson:"at"`
	By      Actor             `bson:"by"`
	Action  string            `bson:"action"`
	From    string            `bson:"from"`
	To      string            `bson:"to"`
	Data    map[string]string `bson:"data"`
}

func eventID(orderID string, n int) string { return orderID + ":" + strconv.Itoa(n) }

func (ev *Event) entry() HistoryEntry {
	note := ev.Data["reason"]
	if ev.Data["late"] != "" {
		note = ev.Data["late"]
	}
	return HistoryEntry{N: ev.N, At: ev.At, By: ev.By, Action: ev.Action, From: ev.From, To: ev.To, Note: note}
}

// ActInput is what an action takes besides the order.
type ActInput struct {
	Reference      string // paid: the buyer's payment reference
	Carrier        string // ship
	TrackingNumber string // ship
	Reason         string // cancel
}

// Act takes action on order id as viewer: the order's buyer, its maker or
// an admin (anyone else is told the order does not exist).
func (s *Service) Act(ctx context.Context, viewer *account.User, id, action string, in ActInput) (*Order, error) {
	return s.transition(ctx, id, action, in, nil, func(o *Order) ([]string, Actor) {
		if viewer == nil {
			return nil, Actor{}
		}
		return partiesOf(viewer, o), Actor{ID: viewer.ID, Handle: viewer.Handle}
	})
}

// system takes action as the platform (jobs, payment events).
func (s *Service) system(ctx context.Context, id, action string, in ActInput, data map[string]string) (*Order, error) {
	return s.transition(ctx, id, action, in, data, func(*Order) ([]string, Actor) {
		return []string{PartySystem}, Actor{}
	})
}

// transition reads the order, checks the action in the table, inserts the
// next event and applies it, then runs its effects. A repair mark on the
// order goes first, so a crash anywhere after leaves work for the repair
// job (jobs.go) to find without scanning orders.
func (s *Service) transition(ctx context.Context, id, action string, in ActInput, data map[string]string,
	who func(*Order) ([]string, Actor)) (*Order, error) {
	for range 8 {
		o, err := s.readOrder(ctx, id)
		if err != nil {
			return nil, err
		}
		parties, by := who(o)
		if len(parties) == 0 {
			return nil, problem.NotFound("order")
		}
		party, to, err := decide(o, action, parties)
		if err != nil {
			return nil, err
		}
		ev := &Event{ID: eventID(o.ID, o.Version+1), OrderID: o.ID, N: o.Version + 1, At: s.clock(), By: by,
			Action: action, From: o.Status, To: to, Data: map[string]string{"hold": o.HoldKey, "method": o.Payment.Method, "payment_status": o.Payment.Status}}
		ev.By.Party = party
		for k, v := range data {
			ev.Data[k] = v
		}
		if err := s.check(o, action, party, in, ev.Data); err != nil {
			return nil, err
		}
		token, err := s.markRepair(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		_, err = s.events.InsertOne(ctx, ev)
		if mongodb.IsDuplicate(err) {
			// Another transition won. Its event may not be on the order
			// yet: apply it (applying is idempotent; its effects are the
			// winner's), then decide again on the order as it now is.
			s.unmarkRepair(ctx, o.ID, token)
			if err := s.applyRecorded(ctx, ev.ID); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			s.unmarkRepair(ctx, o.ID, token)
			return nil, mongodb.Classify("record event "+ev.ID, err)
		}
		if o, err = s.apply(ctx, ev); err != nil {
			return nil, err // the mark stays: the repair job applies it
		}
		if err := s.effects(ctx, ev, o); err != nil {
			s.log.WarnContext(ctx, "order effects left for repair", "event", ev.ID, "err", err)
			return o, nil
		}
		s.unmarkRepair(ctx, o.ID, token)
		if refunds(ev) { // the provider's answer was written on the order
			return s.readOrder(ctx, o.ID)
		}
		return o, nil
	}
	return nil, problem.Conflict("order_busy", "", "order_busy")
}

// check validates what action needs beyond the table, into data. The
// platform's timed actions must be due: the index that found the order
// may be behind the order itself.
func (s *Service) check(o *Order, action, party string, in ActInput, data map[string]string) error {
	timed := action == ActionReceived || action == ActionComplete || (action == ActionCancel && in.Reason == ReasonExpired)
	if party == PartySystem && timed {
		if at, ok := s.dueAt(o); !ok || at > search.Seconds(s.clock()) {
			return invalidTransition(o)
		}
	}
	f := map[string]string{}
	switch action {
	case ActionPay:
		problem.CheckLength(f, "reference", in.Reference, 1, 100)
		data["reference"] = in.Reference
		if !paymentAllows(o, action) {
			return invalidTransition(o)
		}
	case ActionShip:
		problem.CheckLength(f, "carrier", in.Carrier, 1, 60)
		problem.CheckLength(f, "tracking_number", in.TrackingNumber, 1, 60)
		data["carrier"], data["tracking_number"] = in.Carrier, in.TrackingNumber
	case ActionCancel:
		problem.CheckLength(f, "reason", in.Reason, 0, 500)
		data["reason"] = in.Reason
	case ActionRefundReceived:
		if !paymentAllows(o, action) {
			return invalidTransition(o)
		}
	case ActionPaymentSucceeded, ActionLateRefund:
		// A late payment is dealt with once: re-opened or refunded. A
		// cancelled order re-opens only with its stock taken again under
		// a new hold (payments.go), never by a retry of a plain payment.
		if o.Payment.Status == PayRefundPending || o.Payment.Status == PayRefunded ||
			(action == ActionPaymentSucceeded && o.Status == StatusCancelled && data["new_hold"] == "") {
			return invalidTransition(o)
		}
	}
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

// paymentAllows reports whether the order's payment is where action needs
// it: a payment is reported while it is awaited (or to correct a report),
// a refund is received once it is on its way.
func paymentAllows(o *Order, action string) bool {
	switch action {
	case ActionPay:
		return o.Payment.Status == PayAwaiting || o.Payment.Status == PayReported
	case ActionRefundReceived:
		return o.Payment.Status == PayRefundPending
	}
	return true
}

// apply writes event ev onto its order by bare _id, under the orders index
// intent. Writing it twice writes the same fields twice. Should a later
// event have been applied before it (a repair racing a slow request), the
// later event's fields are written again so they stand.
func (s *Service) apply(ctx context.Context, ev *Event) (*Order, error) {
	var o Order
	err := s.queue.Write(ctx, OrdersKind, ev.OrderID, func(ctx context.Context) (search.Document, error) {
		after := options.FindOneAndUpdate().SetReturnDocument(options.After)
		err := s.orders.FindOneAndUpdate(ctx, bson.M{"_id": ev.OrderID},
			bson.M{"$set": s.eventSet(ev), "$max": bson.M{"version": ev.N}}, after).Decode(&o)
		if err == nil && o.Version > ev.N {
			var latest Event
			if err = s.events.FindOne(ctx, bson.M{"_id": eventID(o.ID, o.Version)}).Decode(&latest); err == nil {
				err = s.orders.FindOneAndUpdate(ctx, bson.M{"_id": o.ID}, bson.M{"$set": s.eventSet(&latest)}, after).Decode(&o)
			}
		}
		if err != nil {
			return nil, mongodb.Classify("apply event "+ev.ID, err)
		}
		return o.searchDocument(), nil
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// applyRecorded applies the recorded event id to its order.
func (s *Service) applyRecorded(ctx context.Context, id string) error {
	var ev Event
	if err := s.events.FindOne(ctx, bson.M{"_id": id}).Decode(&ev); err != nil {
		return mongodb.Classify("read event "+id, err)
	}
	_, err := s.apply(ctx, &ev)
	return err
}

// eventSet is what event ev writes on its order.
func (s *Service) eventSet(ev *Event) bson.M {
	d := ev.Data
	set := bson.M{"status": ev.To, "updated_at": ev.At, "history.e" + strconv.Itoa(ev.N): ev.entry()}
	switch ev.Action {
	case ActionPay:
		set["payment.status"], set["payment.reference"], set["expires_at"] = PayReported, d["reference"], nil
	case ActionConfirmPayment, ActionPaymentSucceeded:
		set["payment.status"], set["paid_at"], set["expires_at"], set["cancel_reason"] = PaySucceeded, ev.At, nil, ""
		if d["new_hold"] != "" {
			set["hold_key"] = d["new_hold"]
		}
	case ActionShip:
		set["shipment"] = Shipment{Carrier: d["carrier"], TrackingNumber: d["tracking_number"], ShippedAt: &ev.At}
	case ActionReceived:
		ends := ev.At.Add(time.Duration(s.opt.ProtectionDays) * 24 * time.Hour)
		set["delivered_at"], set["protection_ends_at"] = ev.At, ends
	case ActionCancel:
		set["cancel_reason"], set["expires_at"], set["payment.status"] = d["reason"], nil, PayCanceled
		if ev.From == StatusPaid || d["payment_status"] == PayReported { // money may have been sent
			set["payment.status"] = PayRefundPending
		}
	case ActionRefundReceived:
		set["payment.status"] = PayRefunded
	case ActionLateRefund:
		set["payment.status"] = PayRefundPending
	}
	return set
}

// markRepair records that a transition of order id is in flight, with a
// token of its own.
func (s *Service) markRepair(ctx context.Context, id string) (string, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	_, err := s.repairs.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"token": token, "at": s.clock()}},
		options.UpdateOne().SetUpsert(true))
	if mongodb.IsDuplicate(err) {
		_, err = s.repairs.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"token": token, "at": s.clock()}})
	}
	if err != nil {
		return "", mongodb.Classify(fmt.Sprintf("mark order %s for repair", id), err)
	}
	return token, nil
}

// unmarkRepair removes the mark if it is still this transition's. The
// filter is more than an _id, which is a scan on FerretDB, but of a small
// operational collection.
func (s *Service) unmarkRepair(ctx context.Context, id, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.repairs.DeleteOne(ctx, bson.M{"_id": id, "token": token}); err != nil {
		s.log.WarnContext(ctx, "clear order repair mark", "order", id, "err", err)
	}
}
