package commerce

import (
	"context"
	"slices"

	"guildhall/internal/account"
	"guildhall/internal/problem"
)

// maxSlips bounds one print of packing slips: a page of the desk.
const maxSlips = 50

// PackingSlips returns maker's orders ids in the order asked, in full (a
// slip needs the address, which the index never holds): one read by _id
// each. An order that is not the maker's is reported as not found, as
// Order does, so a slip never shows a stranger's address.
func (s *Service) PackingSlips(ctx context.Context, maker *account.User, ids []string) ([]*Order, error) {
	switch {
	case len(ids) == 0:
		return nil, problem.InvalidField("id", "required")
	case len(ids) > maxSlips:
		return nil, problem.InvalidField("id", "too_many")
	}
	out := make([]*Order, 0, len(ids))
	var seen []string
	for _, id := range ids {
		if slices.Contains(seen, id) {
			continue
		}
		seen = append(seen, id)
		o, err := s.readOrder(ctx, id)
		if err != nil {
			return nil, err
		}
		if o.Maker.ID != maker.ID {
			return nil, problem.NotFound("order")
		}
		out = append(out, o)
	}
	return out, nil
}
