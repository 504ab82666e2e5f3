package commerce

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Ids of what a checkout makes are derived from the checkout's id, so a
// repair after a crash makes the very same orders and payment again
// (duplicate key = already there) instead of new ones.

var lowerBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func digest(parts ...string) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// orderID is the id of the order a checkout makes for one maker: 80 bits,
// lower-case base32, like every other id.
func orderID(checkoutID, makerID string) string {
	return strings.ToLower(lowerBase32.EncodeToString(digest("order", checkoutID, makerID)[:10]))
}

// paymentID is the id of a checkout's one payment.
func paymentID(checkoutID string) string {
	return "p" + strings.ToLower(lowerBase32.EncodeToString(digest("payment", checkoutID)[:10]))
}

// numberAlphabet leaves out 0, 1, I and O, which people misread.
var numberEncoding = base32.NewEncoding("23456789ABCDEFGHJKLMNPQRSTUVWXYZ").WithPadding(base32.NoPadding)

// orderNumber is what people read out: "GH" and the year and month the
// order was placed, then 8 characters from the order id (40 bits: unique
// in practice within a month; the id, not the number, is the key).
func orderNumber(id string, at time.Time) string {
	return "GH" + at.UTC().Format("0601") + "-" + numberEncoding.EncodeToString(digest("number", id)[:5])
}

// requestHash is the canonical hash of a checkout request: the same body
// hashes the same whatever order the client sent its fields in.
func requestHash(in CheckoutInput) string {
	// hashedMoney spells the total as it was hashed when Money carried
	// json tags: stored hashes stay valid.
	type hashedMoney struct {
		Amount   int64  `json:"amount"`
		Currency string `json:"currency"`
	}
	var total *hashedMoney
	if t := in.ExpectedTotal; t != nil {
		total = &hashedMoney{Amount: t.Amount, Currency: t.Currency}
	}
	b, _ := json.Marshal(struct {
		AddressID, PaymentMethod, Note, Maker string
		ExpectedTotal                         *hashedMoney
	}{in.AddressID, in.PaymentMethod, in.Note, in.Maker, total})
	return hex.EncodeToString(digest(string(b)))
}
