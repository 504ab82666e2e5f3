package commerce_test

import (
	"testing"
	"time"

	"guildhall/internal/commerce"
)

// Shipping in bulk and exporting are the studio's: someone without one is
// told to open it, as the shop settings tell them, rather than getting a
// line per order that says nothing of why.
func TestOnlyAMakerShipsInBulkOrExports(t *testing.T) {
	e := mustOpen(t)
	fan := e.user("fan")
	_, err := e.c.ShipMany(e.ctx, fan, []commerce.ShipmentLine{{OrderID: "o_1", Carrier: "SF", TrackingNumber: "SF1"}})
	if code(err) != "open_a_studio_first" {
		t.Errorf("ship many: %v", err)
	}
	if _, err := e.c.ExportRows(e.ctx, fan, "", time.Time{}, time.Time{}); code(err) != "open_a_studio_first" {
		t.Errorf("export: %v", err)
	}
}
