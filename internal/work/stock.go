package work

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
)

// Why a take failed; commerce turns them into answers naming the work.
var (
	ErrOutOfStock = errors.New("work: out of stock")
	ErrNotForSale = errors.New("work: not for sale") // gone, draft or archived
)

// Stock moves by single-document updates with a bare _id filter (the only
// filter embedded FerretDB serves by key), each returning the document so
// that its state tells what happened. Every unit taken is recorded, in the
// same update, as held by an order ("holds.<order>"): a hold present means
// the order still has units to give back, absent means there is nothing to
// give back. Each write goes under the works index intent, since in_stock
// follows the count.

// TakeStock takes n units for holder (an order id). If that leaves the
// count below zero, or the work is not published, the units are put back
// and the take fails with ErrOutOfStock or ErrNotForSale: nothing stays
// held.
func (s *Service) TakeStock(ctx context.Context, id, holder string, n int) error {
	return s.stockWrite(ctx, id, func(ctx context.Context) (*Work, error) {
		w, err := s.incStock(ctx, id, holder, -n)
		if err != nil {
			return nil, err
		}
		if w.Stock >= 0 && w.Status == StatusPublished {
			return w, nil
		}
		fail := ErrOutOfStock
		if w.Status != StatusPublished {
			fail = ErrNotForSale
		}
		if _, err := s.incStock(ctx, id, holder, n); err != nil {
			return nil, err
		}
		return nil, fail
	})
}

// ReturnStock ends holder's hold of n units and puts them back on sale
// (an order cancelled, expired, or a checkout undone). It is done once, by
// the winner of the transition; should it run again, the document as it
// was shows the hold already gone and the count is corrected at once.
func (s *Service) ReturnStock(ctx context.Context, id, holder string, n int) error {
	err := s.stockWrite(ctx, id, func(ctx context.Context) (*Work, error) {
		var w Work
		err := s.works.FindOneAndUpdate(ctx, bson.M{"_id": id},
			bson.M{"$inc": bson.M{"stock": n}, "$unset": bson.M{"holds." + holder: ""}}).Decode(&w)
		if err != nil {
			return nil, err
		}
		if held := w.Holds[holder]; held != n {
			return s.inc(ctx, id, bson.M{"stock": held - n})
		}
		w.Stock += n
		delete(w.Holds, holder)
		return &w, nil
	})
	if errors.Is(err, ErrNotForSale) { // gone: nothing to give back to
		return nil
	}
	return err
}

// ReleaseHold ends holder's hold without giving units back: they left
// with the parcel.
func (s *Service) ReleaseHold(ctx context.Context, id, holder string) error {
	_, err := s.works.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$unset": bson.M{"holds." + holder: ""}})
	return mongodb.Classify("release hold of "+holder+" on "+id, err)
}

// Held returns the work's stock count and the units holder holds: one
// read by _id. A work that is gone holds nothing.
func (s *Service) Held(ctx context.Context, id, holder string) (stock, held int, found bool, err error) {
	var w Work
	err = s.works.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"stock": 1, "holds": 1})).Decode(&w)
	if mongodb.IsNotFound(err) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, mongodb.Classify("read stock of "+id, err)
	}
	return w.Stock, w.Holds[holder], true, nil
}

// CountSales moves the work's count of units sold (a signal the hot score
// ranks by).
func (s *Service) CountSales(ctx context.Context, id string, delta int) error {
	return s.bump(ctx, id, "counts.sales", delta)
}

// incStock moves the count by delta and holder's hold by -delta, dropping
// a hold that reaches zero.
func (s *Service) incStock(ctx context.Context, id, holder string, delta int) (*Work, error) {
	w, err := s.inc(ctx, id, bson.M{"stock": delta, "holds." + holder: -delta})
	if err != nil || w.Holds[holder] > 0 {
		return w, err
	}
	return s.update(ctx, id, bson.M{"$unset": bson.M{"holds." + holder: ""}})
}

func (s *Service) inc(ctx context.Context, id string, inc bson.M) (*Work, error) {
	return s.update(ctx, id, bson.M{"$inc": inc})
}

func (s *Service) update(ctx context.Context, id string, update bson.M) (*Work, error) {
	var w Work
	err := s.works.FindOneAndUpdate(ctx, bson.M{"_id": id}, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&w)
	return &w, err
}

// stockWrite runs a stock change under the works index intent. A work that
// is gone cannot be sold, and has nothing to give back to.
func (s *Service) stockWrite(ctx context.Context, id string, write func(ctx context.Context) (*Work, error)) error {
	return s.queue.Write(ctx, SearchKind, id, func(ctx context.Context) (search.Document, error) {
		w, err := write(ctx)
		switch {
		case mongodb.IsNotFound(err):
			return nil, ErrNotForSale
		case errors.Is(err, ErrOutOfStock), errors.Is(err, ErrNotForSale):
			return nil, err
		case err != nil:
			return nil, mongodb.Classify("move stock of "+id, err)
		}
		return w.searchDocument(s.md.Text(w.Description)), nil
	})
}
