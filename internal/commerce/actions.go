package commerce

import "guildhall/internal/account"

// ActionsFor lists the actions viewer may take on o now, as the one table
// and the payment's state decide them: what an order's page offers as
// forms. The input an action needs is checked when it is taken.
func ActionsFor(viewer *account.User, o *Order) []string {
	parties := partiesOf(viewer, o)
	var out []string
	for _, a := range ActionsPeopleTake {
		if _, _, err := decide(o, a, parties); err == nil && paymentAllows(o, a) {
			out = append(out, a)
		}
	}
	return out
}
