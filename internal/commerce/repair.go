package commerce

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// repairBatch is how many intents one run of a repair job takes on.
const repairBatch = 100

// RepairCheckouts takes over checkouts still running RepairAfter after
// they began (their request is long over: it crashed) and finishes or
// undoes each. It returns how many it settled.
func (s *Service) RepairCheckouts(ctx context.Context) (int, error) {
	// A scan, but of an operational collection, through its index.
	cur, err := s.checkouts.Find(ctx, bson.M{"state": checkoutRunning, "created_at": bson.M{"$lt": s.clock().Add(-s.opt.RepairAfter)}},
		options.Find().SetLimit(repairBatch).SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return 0, mongodb.Classify("find checkouts to repair", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, mongodb.Classify("find checkouts to repair", err)
	}
	done := 0
	var errs []error
	for _, c := range ids {
		ok, err := s.repairCheckout(ctx, c.ID)
		if ok {
			done++
		}
		errs = append(errs, err)
	}
	return done, errors.Join(errs...)
}

// repairCheckout claims checkout id and settles it. Only the claimer that
// saw it running, with no fresh claim on it, goes on; a claim older than
// RepairAfter belongs to a repair that crashed and is taken over.
func (s *Service) repairCheckout(ctx context.Context, id string) (bool, error) {
	now := s.clock()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	var c checkout
	err := s.checkouts.FindOneAndUpdate(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"claim": hex.EncodeToString(b), "claimed_at": now}}).Decode(&c)
	if err != nil {
		return false, mongodb.Classify("claim checkout", err)
	}
	if c.State != checkoutRunning || c.Plan == nil || (c.ClaimedAt != nil && now.Sub(*c.ClaimedAt) < s.opt.RepairAfter) {
		return false, nil
	}
	held, err := s.planHeld(ctx, c.Plan)
	if err != nil {
		return false, err
	}
	if held {
		_, err := s.finish(ctx, &c)
		return err == nil, err
	}
	return true, s.undo(ctx, &c)
}

// planHeld reports whether the checkout's stock was all taken: an order
// of it exists (orders are written only once every take succeeded), or
// every planned take's hold is in its work, with the count not below zero
// (a take that crashed before putting back leaves it below zero; the
// checkout then gives up its units rather than oversell).
func (s *Service) planHeld(ctx context.Context, p *plan) (bool, error) {
	for _, o := range p.Orders {
		_, err := s.readOrder(ctx, o.ID)
		if err == nil {
			return true, nil
		}
		if problem.KindOf(err) != problem.KindNotFound {
			return false, err
		}
	}
	for _, l := range p.stockLines() {
		stock, held, found, err := s.works.Held(ctx, l.WorkID, l.OrderID)
		if err != nil {
			return false, err
		}
		if !found || held != l.N || stock < 0 {
			return false, nil
		}
	}
	return true, nil
}

// undo gives back every hold the plan's orders have and records that the
// checkout made nothing, which a retry with its key is then told.
func (s *Service) undo(ctx context.Context, c *checkout) error {
	for _, l := range c.Plan.stockLines() {
		_, held, found, err := s.works.Held(ctx, l.WorkID, l.OrderID)
		if err != nil {
			return err
		}
		if found && held > 0 {
			if err := s.works.ReturnStock(ctx, l.WorkID, l.OrderID, held); err != nil {
				return err
			}
		}
	}
	abandoned := &problem.Error{Kind: problem.KindConflict, Code: "checkout_abandoned", Message: "checkout_abandoned"}
	if err := s.fail(ctx, c, abandoned); !errors.Is(err, abandoned) {
		return err
	}
	return nil
}
