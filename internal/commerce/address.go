package commerce

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// maxAddresses bounds a user's address book (one document).
const maxAddresses = 20

// Address is where an order goes. It is seen by its owner only, and, as
// the copy an order keeps, by that order's maker and admins. It never goes
// into the search index, and never into a log or an error message.
type Address struct {
	ID         string `bson:"id"`
	Name       string `bson:"name"`
	Phone      string `bson:"phone"`
	Country    string `bson:"country"` // ISO 3166-1 alpha-2
	Region     string `bson:"region"`
	City       string `bson:"city"`
	Line1      string `bson:"line1"`
	Line2      string `bson:"line2"`
	PostalCode string `bson:"postal_code"`
	// Validated is true when the postal code has the shape its country's
	// codes have (for the countries whose shape we know).
	Validated bool      `bson:"validated"`
	AddedAt   time.Time `bson:"added_at"`
}

// AddressInput is an address as entered.
type AddressInput struct {
	Name, Phone, Country, Region, City, Line1, Line2, PostalCode string
}

// addressBook keeps the addresses in a map keyed by id: each is added
// with a $set and removed with an $unset of its own key (FerretDB's $pull
// by a field of an element removes nothing).
type addressBook struct {
	Items map[string]Address `bson:"items"`
}

// Addresses returns u's address book, oldest first: one read by _id.
func (s *Service) Addresses(ctx context.Context, u *account.User) ([]Address, error) {
	var b addressBook
	err := s.addresses.FindOne(ctx, bson.M{"_id": u.ID}).Decode(&b)
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, mongodb.Classify("read address book", err)
	}
	return oldestFirst(b.Items, func(a Address) time.Time { return a.AddedAt }), nil
}

// address returns u's address id, if u has it.
func (s *Service) address(ctx context.Context, u *account.User, id string) (*Address, bool, error) {
	book, err := s.Addresses(ctx, u)
	if err != nil {
		return nil, false, err
	}
	for _, a := range book {
		if a.ID == id {
			return &a, true, nil
		}
	}
	return nil, false, nil
}

// AddAddress adds an address to u's book, naming every bad field.
func (s *Service) AddAddress(ctx context.Context, u *account.User, in AddressInput) (*Address, error) {
	a, err := in.validate()
	if err != nil {
		return nil, err
	}
	a.ID, a.AddedAt = mongodb.NewID(), s.clock()
	var after addressBook
	add := bson.M{"$set": bson.M{"items." + a.ID: a}}
	err = s.addresses.FindOneAndUpdate(ctx, bson.M{"_id": u.ID}, add,
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&after)
	if mongodb.IsDuplicate(err) { // two first addresses raced; the book exists now
		err = s.addresses.FindOneAndUpdate(ctx, bson.M{"_id": u.ID}, add,
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&after)
	}
	if err != nil {
		return nil, mongodb.Classify("add address", err)
	}
	// The cap is checked after the write, so racing adds cannot pass it
	// together: whichever finds the book over the cap takes its own back.
	if len(after.Items) > maxAddresses {
		if err := s.DeleteAddress(ctx, u, a.ID); err != nil {
			return nil, err
		}
		return nil, problem.Conflict("too_many_addresses", "addresses", "too_many_addresses")
	}
	return a, nil
}

// DeleteAddress removes an address from u's book; removing one that is not
// there is not an error. Orders keep their own copy.
func (s *Service) DeleteAddress(ctx context.Context, u *account.User, id string) error {
	if !idPattern(id) {
		return nil
	}
	_, err := s.addresses.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$unset": bson.M{"items." + id: ""}})
	return mongodb.Classify("delete address", err)
}

func (in AddressInput) validate() (*Address, error) {
	t := strings.TrimSpace
	a := &Address{Name: t(in.Name), Phone: t(in.Phone), Country: strings.ToUpper(t(in.Country)), Region: t(in.Region),
		City: t(in.City), Line1: t(in.Line1), Line2: t(in.Line2), PostalCode: strings.ToUpper(t(in.PostalCode))}
	f := map[string]string{}
	problem.CheckLength(f, "name", a.Name, 1, 80)
	problem.CheckLength(f, "phone", a.Phone, 0, 30)
	for _, r := range a.Phone {
		if !strings.ContainsRune("0123456789+-() ", r) {
			f["phone"] = "phone_invalid"
		}
	}
	if !ValidCountry(a.Country) {
		f["country"] = "country_unknown"
	}
	problem.CheckLength(f, "region", a.Region, 0, 80)
	problem.CheckLength(f, "city", a.City, 1, 80)
	problem.CheckLength(f, "line1", a.Line1, 1, 200)
	problem.CheckLength(f, "line2", a.Line2, 0, 200)
	problem.CheckLength(f, "postal_code", a.PostalCode, 0, 20)
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	if shape, ok := postalShapes[a.Country]; ok {
		a.Validated = shape(a.PostalCode)
	}
	return a, nil
}

// idPattern reports whether id can be one of ours (and so a safe path).
func idPattern(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
