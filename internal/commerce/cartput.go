package commerce

import (
	"context"

	"guildhall/internal/account"
)

// PutCartItem sets the quantity of the work in option in u's cart, as
// SetCartItem does, and answers the cart as it now is (shipping to u's
// first address): what the API's PUT answers.
func (s *Service) PutCartItem(ctx context.Context, u *account.User, workID, optionID string, quantity int) (*CartView, error) {
	if err := s.SetCartItem(ctx, u, workID, optionID, quantity); err != nil {
		return nil, err
	}
	return s.Cart(ctx, u, "")
}
