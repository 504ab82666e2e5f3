package commerce

import (
	"context"
	"encoding/base64"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Limits of a cart.
const (
	MaxCartLines = 30
	MaxQuantity  = 99
)

// CartLine is one work (in one option) in a cart, with the price the buyer
// saw when adding it. The same work in two options is two lines.
type CartLine struct {
	WorkID        string    `bson:"work_id"`
	OptionID      string    `bson:"option_id"` // "" for none
	Quantity      int       `bson:"quantity"`
	UnitPriceSeen Money     `bson:"unit_price_seen"`
	AddedAt       time.Time `bson:"added_at"`
}

// Key names the line in its cart: the work and the option.
func (l CartLine) Key() string { return lineKey(l.WorkID, l.OptionID) }

// cart is a signed-in user's cart, _id the user's id. Lines are a map
// keyed by lineKey, so adding or changing one line is one $set of its key
// that never loses a concurrent change to another line.
type cart struct {
	Lines map[string]CartLine `bson:"lines"`
}

// lineKey is safe as a document path: option ids are the maker's words,
// so they are base64url-encoded (no dots, no dollars).
func lineKey(workID, optionID string) string {
	return workID + "_" + base64.RawURLEncoding.EncodeToString([]byte(optionID))
}

func (c *cart) sorted() []CartLine {
	return oldestFirst(c.Lines, func(l CartLine) time.Time { return l.AddedAt })
}

// oldestFirst lists the items of a map kept in a document (a cart's lines,
// an address book) in the order they were added, then by key.
func oldestFirst[T any](items map[string]T, added func(T) time.Time) []T {
	keys := make([]string, 0, len(items))
	for k := range items {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := added(items[keys[i]]), added(items[keys[j]])
		if !a.Equal(b) {
			return a.Before(b)
		}
		return keys[i] < keys[j]
	})
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, items[k])
	}
	return out
}

func (c *cart) count() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Quantity
	}
	return n
}

func (s *Service) readCart(ctx context.Context, userID string) (*cart, error) {
	var c cart
	err := s.carts.FindOne(ctx, bson.M{"_id": userID}).Decode(&c)
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, mongodb.Classify("read cart "+userID, err)
	}
	if c.Lines == nil {
		c.Lines = map[string]CartLine{}
	}
	return &c, nil
}

// CartLineFor checks that viewer may put quantity of the work (in option)
// in a cart and returns the line with today's price: for the signed-in
// cart and for a visitor's cookie alike.
func (s *Service) CartLineFor(ctx context.Context, viewer *account.User, workID, optionID string, quantity int) (CartLine, error) {
	if quantity < 1 || quantity > MaxQuantity {
		return CartLine{}, problem.InvalidField("quantity", "out_of_range")
	}
	w, err := s.works.Get(ctx, nil, workID)
	if err != nil {
		return CartLine{}, err
	}
	if viewer != nil && w.Maker.ID == viewer.ID {
		return CartLine{}, &problem.Error{Kind: problem.KindInvalid, Code: "own_work", Message: "own_work",
			Fields: map[string]string{"work_id": "own_work"}}
	}
	opt, ok := w.Option(optionID)
	if !ok || (optionID == "" && len(w.Variants) > 0) {
		return CartLine{}, problem.InvalidField("option", "option_unknown")
	}
	return CartLine{WorkID: w.ID, OptionID: optionID, Quantity: quantity, UnitPriceSeen: opt.Price, AddedAt: s.clock()}, nil
}

// SetCartItem puts quantity of the work in option into u's cart (replacing
// the line's quantity) and moves the header's count by the difference.
func (s *Service) SetCartItem(ctx context.Context, u *account.User, workID, optionID string, quantity int) error {
	l, err := s.CartLineFor(ctx, u, workID, optionID, quantity)
	if err != nil {
		return err
	}
	var before cart
	err = s.carts.FindOneAndUpdate(ctx, bson.M{"_id": u.ID}, bson.M{"$set": bson.M{"lines." + l.Key(): l}},
		options.FindOneAndUpdate().SetUpsert(true)).Decode(&before)
	if mongodb.IsDuplicate(err) { // the first two lines raced to create the cart
		err = s.carts.FindOneAndUpdate(ctx, bson.M{"_id": u.ID}, bson.M{"$set": bson.M{"lines." + l.Key(): l}}).Decode(&before)
	}
	if err != nil && !mongodb.IsNotFound(err) { // not found: the upsert made the cart
		return mongodb.Classify("put cart line", err)
	}
	old, had := before.Lines[l.Key()]
	if !had && len(before.Lines) >= MaxCartLines {
		// Checked against the cart as it was, so racing adds cannot pass
		// the cap together; the one that found it full takes its line back.
		_, err := s.carts.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$unset": bson.M{"lines." + l.Key(): ""}})
		if err != nil {
			return mongodb.Classify("take back cart line", err)
		}
		return problem.Conflict("too_many_lines", "cart", "too_many_lines")
	}
	return s.cartCount.AddCartCount(ctx, u.ID, l.Quantity-old.Quantity)
}

// RemoveCartItem takes the work in option out of u's cart; removing what
// is not there is not an error.
func (s *Service) RemoveCartItem(ctx context.Context, u *account.User, workID, optionID string) error {
	if !idPattern(workID) {
		return nil
	}
	return s.removeLines(ctx, u.ID, []string{lineKey(workID, optionID)})
}

// removeLines takes lines out of userID's cart and the header's count
// down by what they held, as the cart was (so a repeat removes nothing).
func (s *Service) removeLines(ctx context.Context, userID string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	unset := bson.M{}
	for _, k := range keys {
		unset["lines."+k] = ""
	}
	var before cart
	err := s.carts.FindOneAndUpdate(ctx, bson.M{"_id": userID}, bson.M{"$unset": unset}).Decode(&before)
	if mongodb.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("remove cart lines", err)
	}
	removed := 0
	for _, k := range keys {
		removed += before.Lines[k].Quantity
	}
	if removed == 0 {
		return nil
	}
	return s.cartCount.AddCartCount(ctx, userID, -removed)
}

// ValidateCartLines checks a visitor's cart as read from a cookie (which
// the visitor may have edited): well-formed ids, quantities in range, the
// same line once (quantities summed), at most MaxCartLines lines.
func ValidateCartLines(lines []CartLine) ([]CartLine, error) {
	out := make([]CartLine, 0, len(lines))
	at := map[string]int{}
	for _, l := range lines {
		if l.WorkID == "" || len(l.WorkID) > 40 || len(l.OptionID) > 40 || l.Quantity < 1 || l.Quantity > MaxQuantity ||
			l.UnitPriceSeen.Amount < 0 {
			return nil, problem.InvalidField("cart", "cart_invalid")
		}
		if i, ok := at[l.Key()]; ok {
			out[i].Quantity = min(MaxQuantity, out[i].Quantity+l.Quantity)
			continue
		}
		at[l.Key()] = len(out)
		out = append(out, l)
	}
	if len(out) > MaxCartLines {
		return nil, problem.InvalidField("cart", "too_many_lines")
	}
	return out, nil
}

// MergeCart adds a visitor's lines to u's cart at sign-in: quantities of
// the same line are summed (up to MaxQuantity) and lines past MaxCartLines
// are dropped. The header's count is set from the merged cart.
func (s *Service) MergeCart(ctx context.Context, u *account.User, lines []CartLine) error {
	lines, err := ValidateCartLines(lines)
	if err != nil || len(lines) == 0 {
		return err
	}
	c, err := s.readCart(ctx, u.ID)
	if err != nil {
		return err
	}
	set := bson.M{}
	for _, l := range lines {
		if old, ok := c.Lines[l.Key()]; ok {
			l.Quantity, l.AddedAt = min(MaxQuantity, old.Quantity+l.Quantity), old.AddedAt
		} else if len(c.Lines) >= MaxCartLines {
			continue
		}
		c.Lines[l.Key()] = l
		set["lines."+l.Key()] = l
	}
	if len(set) == 0 {
		return nil
	}
	_, err = s.carts.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": set}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return mongodb.Classify("merge cart", err)
	}
	return s.cartCount.SetCartCount(ctx, u.ID, c.count())
}
