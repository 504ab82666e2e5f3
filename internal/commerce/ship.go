package commerce

import (
	"context"

	"guildhall/internal/account"
	"guildhall/internal/problem"
)

// maxShipments bounds one bulk shipment (a CSV upload).
const maxShipments = 500

// Shipment line of a bulk shipment.
type ShipmentLine struct {
	OrderID, Carrier, TrackingNumber string
}

// ShipResult is what became of one line: the order's status after it, or
// the error that stopped it.
type ShipResult struct {
	OrderID string
	Status  string
	Err     error
}

// ShipMany marks maker's orders shipped, each with its carrier and
// tracking number. One bad line is reported in its result and never stops
// the others.
func (s *Service) ShipMany(ctx context.Context, maker *account.User, lines []ShipmentLine) ([]ShipResult, error) {
	if !maker.HasRole(account.RoleMaker) {
		return nil, problem.Forbidden("open_a_studio_first")
	}
	if len(lines) > maxShipments {
		return nil, problem.InvalidField("shipments", "too_many")
	}
	out := make([]ShipResult, 0, len(lines))
	for _, l := range lines {
		r := ShipResult{OrderID: l.OrderID}
		o, err := s.Act(ctx, maker, l.OrderID, ActionShip, ActInput{Carrier: l.Carrier, TrackingNumber: l.TrackingNumber})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			r.Err = err
		} else {
			r.Status = o.Status
		}
		out = append(out, r)
	}
	return out, nil
}
