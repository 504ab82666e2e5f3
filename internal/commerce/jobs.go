package commerce

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// The timed jobs find their orders in the orders index (a filter on status
// and a time), then each order is read again by _id and goes through the
// transition table, which checks that it is due: the index only says
// where to look.

// ExpireUnpaid cancels unpaid orders whose time ran out, giving their
// stock back (a reported offline payment has no expiry).
func (s *Service) ExpireUnpaid(ctx context.Context) (int, error) {
	return s.due(ctx, StatusPendingPayment, "expires_at", ActionCancel, ActInput{Reason: ReasonExpired})
}

// AutoReceive marks orders received AutoReceiveAfter after they shipped.
func (s *Service) AutoReceive(ctx context.Context) (int, error) {
	return s.due(ctx, StatusShipped, "shipped_at", ActionReceived, ActInput{})
}

// Complete closes delivered orders whose buyer protection has ended.
func (s *Service) Complete(ctx context.Context) (int, error) {
	return s.due(ctx, StatusDelivered, "protection_ends_at", ActionComplete, ActInput{})
}

// dueAt is when an order in status becomes due for the system's action.
func (s *Service) dueAt(o *Order) (at float64, ok bool) {
	switch o.Status {
	case StatusPendingPayment:
		return seconds(o.ExpiresAt), o.ExpiresAt != nil
	case StatusShipped:
		if o.Shipment.ShippedAt == nil {
			return 0, false
		}
		return search.Seconds(o.Shipment.ShippedAt.Add(s.opt.AutoReceiveAfter)), true
	case StatusDelivered:
		return seconds(o.ProtectionEndsAt), o.ProtectionEndsAt != nil
	}
	return 0, false
}

// due runs action as the system on every order in status whose field is
// due, in batches, until none is left or a batch makes no progress.
func (s *Service) due(ctx context.Context, status, field, action string, in ActInput) (int, error) {
	hi := search.Seconds(s.clock())
	if field == "shipped_at" {
		hi = search.Seconds(s.clock().Add(-s.opt.AutoReceiveAfter))
	}
	lo := 0.001
	done := 0
	for range 20 {
		res, err := s.index.Search(ctx, OrdersKind, search.Query{Limit: repairBatch, Sort: []search.Sort{{Field: "created_at"}},
			Filters: []search.Filter{{Field: "status", Values: []any{status}}, {Field: field, Min: &lo, Max: &hi}}})
		if err != nil {
			return done, problem.Unavailable("search", fmt.Errorf("find orders due for %s: %w", action, err))
		}
		moved := 0
		var errs []error
		for _, h := range res.Hits {
			_, err := s.system(ctx, h.ID, action, in, nil)
			switch problem.KindOf(err) {
			case problem.KindConflict, problem.KindNotFound: // moved on meanwhile, or not due after all
			default:
				if err != nil {
					errs = append(errs, err)
					continue
				}
				moved++
			}
		}
		done += moved
		if err := errors.Join(errs...); err != nil || moved == 0 || len(res.Hits) < repairBatch {
			return done, err
		}
	}
	return done, nil
}

// RepairEvents finishes transitions whose request stopped half-way: for
// each repair mark older than RepairAfter, events inserted but not applied
// are applied in turn, the effects of the order's last event are run again
// (each is idempotent), and the mark is removed.
func (s *Service) RepairEvents(ctx context.Context) (int, error) {
	cur, err := s.repairs.Find(ctx, bson.M{"at": bson.M{"$lt": s.clock().Add(-s.opt.RepairAfter)}},
		options.Find().SetLimit(repairBatch))
	if err != nil {
		return 0, mongodb.Classify("find orders to repair", err)
	}
	var marks []struct {
		ID    string `bson:"_id"`
		Token string `bson:"token"`
	}
	if err := cur.All(ctx, &marks); err != nil {
		return 0, mongodb.Classify("find orders to repair", err)
	}
	var errs []error
	done := 0
	for _, m := range marks {
		if err := s.repairOrder(ctx, m.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		s.unmarkRepair(ctx, m.ID, m.Token)
		done++
	}
	return done, errors.Join(errs...)
}

func (s *Service) repairOrder(ctx context.Context, id string) error {
	o, err := s.readOrder(ctx, id)
	if problem.KindOf(err) == problem.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	var last *Event
	for n := o.Version; ; n++ {
		var ev Event
		err := s.events.FindOne(ctx, bson.M{"_id": eventID(id, n)}).Decode(&ev)
		if mongodb.IsNotFound(err) {
			break
		}
		if err != nil {
			return mongodb.Classify("read event "+eventID(id, n), err)
		}
		if n > o.Version {
			if o, err = s.apply(ctx, &ev); err != nil {
				return err
			}
		}
		last = &ev
	}
	if last == nil {
		return nil
	}
	return s.effects(ctx, last, o)
}

// SweepCheckouts forgets checkout intents older than KeepCheckouts (on
// MongoDB a TTL index does it too; embedded FerretDB has none).
func (s *Service) SweepCheckouts(ctx context.Context) (int, error) {
	res, err := s.checkouts.DeleteMany(ctx, bson.M{"created_at": bson.M{"$lt": s.clock().Add(-s.opt.KeepCheckouts)}})
	if err != nil {
		return 0, mongodb.Classify("sweep checkouts", err)
	}
	return int(res.DeletedCount), nil
}
