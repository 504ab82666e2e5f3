package commerce_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

// The transitions as the issue states them, written out again here so the
// walk checks the table against the issue, not against itself: for each
// action, who may take it from which statuses.
var issueSays = map[string]map[string][]string{
	commerce.ActionPay:            {"buyer": {"pending_payment"}},
	commerce.ActionConfirmPayment: {"maker": {"pending_payment"}},
	commerce.ActionShip:           {"maker": {"paid"}},
	commerce.ActionReceived:       {"buyer": {"shipped"}, "system": {"shipped"}},
	commerce.ActionComplete:       {"system": {"delivered"}},
	commerce.ActionCancel: {"buyer": {"pending_payment"}, "maker": {"pending_payment", "paid"},
		"admin": {"pending_payment", "paid"}, "system": {"pending_payment"}},
	commerce.ActionRefundReceived: {"buyer": {"cancelled"}, "admin": {"cancelled"}},
	// Card only: on these offline orders the system meets a 409.
	commerce.ActionPaymentSucceeded: {"system": {}},
	commerce.ActionLateRefund:       {"system": {}},
}

// issueTo is where each allowed action leads ("" stays).
var issueTo = map[string]string{commerce.ActionPay: "", commerce.ActionConfirmPayment: "paid", commerce.ActionShip: "shipped",
	commerce.ActionReceived: "delivered", commerce.ActionComplete: "completed", commerce.ActionCancel: "cancelled",
	commerce.ActionRefundReceived: ""}

type walk struct {
	e                                     *env
	buyer, maker, admin, stranger, potter *account.User
}

// orderIn makes an offline order and brings it to status through the
// transitions people take.
func (w *walk) orderIn(status string) *commerce.Order {
	w.e.t.Helper()
	o, _ := w.e.order(w.buyer, w.maker, "offline", 1)
	steps := map[string][]struct {
		by     *account.User
		action string
	}{
		"paid":      {{w.maker, commerce.ActionConfirmPayment}},
		"shipped":   {{w.maker, commerce.ActionConfirmPayment}, {w.maker, commerce.ActionShip}},
		"delivered": {{w.maker, commerce.ActionConfirmPayment}, {w.maker, commerce.ActionShip}, {w.buyer, commerce.ActionReceived}},
		"cancelled": {{w.maker, commerce.ActionConfirmPayment}, {w.maker, commerce.ActionCancel}},
	}[status]
	for _, s := range steps {
		o = w.e.act(s.by, o.ID, s.action, commerce.ActInput{Carrier: "SF Express", TrackingNumber: "SF1234567890"})
	}
	return o
}

func (w *walk) act(party string, o *commerce.Order, action string) (*commerce.Order, error) {
	in := commerce.ActInput{Reference: "bank ref 42", Carrier: "SF Express", TrackingNumber: "SF1234567890", Reason: "changed my mind"}
	by := map[string]*account.User{"buyer": w.buyer, "maker": w.maker, "admin": w.admin, "stranger": w.stranger}[party]
	if party == "system" {
		if action == commerce.ActionCancel {
			in.Reason = commerce.ReasonExpired
		}
		return commerce.ActAsSystem(w.e.ctx, w.e.c, o.ID, action, in)
	}
	return w.e.c.Act(w.e.ctx, by, o.ID, action, in)
}

func TestTheTransitionTableWalkedWhole(t *testing.T) {
	e := mustOpen(t)
	w := &walk{e: e, buyer: e.user("buyer"), maker: e.maker("maker"), stranger: e.user("stranger")}
	w.admin = e.user("overseer")
	_, err := e.app.Accounts.GrantRole(e.ctx, w.admin.ID, account.RoleAdmin)
	e.must(err)
	w.admin = e.reread(w.admin)

	statuses := []string{"pending_payment", "paid", "shipped", "delivered", "completed", "cancelled"}
	parties := []string{"buyer", "maker", "admin", "stranger", "system"}
	base := map[string]*commerce.Order{}
	fresh := map[string]*commerce.Order{} // "<status>/<action>/<party>" -> an order to take it on
	for _, st := range statuses {
		if st == "completed" {
			continue
		}
		base[st] = w.orderIn(st)
		for action, who := range issueSays {
			for party, from := range who {
				if slices.Contains(from, st) {
					fresh[st+"/"+action+"/"+party] = w.orderIn(st)
				}
			}
		}
	}
	toComplete := w.orderIn("delivered")
	// Everything timed is due now: unpaid orders expired, shipped ones
	// past auto-receipt, delivered ones past buyer protection.
	e.clock.Add(100 * 24 * time.Hour)
	completed, err := commerce.ActAsSystem(e.ctx, e.c, toComplete.ID, commerce.ActionComplete, commerce.ActInput{})
	e.must(err)
	base["completed"] = completed

	for _, st := range statuses {
		for _, t_ := range commerce.Transitions {
			action := t_.Action
			for _, party := range parties {
				name := fmt.Sprintf("%s/%s/%s", st, action, party)
				from, named := issueSays[action][party]
				allowed := named && slices.Contains(from, st)
				o := base[st]
				if allowed {
					o = fresh[name]
				}
				got, err := w.act(party, o, action)
				switch {
				case party == "stranger":
					if kind(err) != problem.KindNotFound {
						t.Errorf("%s: want 404, got %v", name, err)
					}
				case !named:
					if kind(err) != problem.KindForbidden {
						t.Errorf("%s: want 403, got %v", name, err)
					}
				case !allowed:
					if p, _ := problem.As(err); code(err) != "invalid_transition" || p.Fields["status"] != st {
						t.Errorf("%s: want 409 invalid_transition naming %s, got %v", name, st, err)
					}
				default:
					want := issueTo[action]
					if want == "" {
						want = st
					}
					if err != nil {
						t.Errorf("%s: want allowed, got %v", name, err)
						continue
					}
					last := got.Timeline()[len(got.Timeline())-1]
					if got.Status != want || last.Action != action || last.By.Party != party || last.From != st || last.To != want {
						t.Errorf("%s: status %s, last entry %+v; want %s", name, got.Status, last, want)
					}
				}
				if !allowed && party != "stranger" {
					if now, _ := e.c.Order(e.ctx, w.admin, o.ID); now.Status != st || now.Version != o.Version {
						t.Errorf("%s: a refused action changed the order: %s v%d", name, now.Status, now.Version)
					}
				}
			}
		}
	}

	t.Run("CardOrdersTakeTheSystemsPaymentActions", func(t *testing.T) {
		o, _ := e.order(w.buyer, w.maker, "stripe", 1)
		if _, err := e.c.Act(e.ctx, w.buyer, o.ID, commerce.ActionPay, commerce.ActInput{Reference: "x"}); code(err) != "invalid_transition" {
			t.Errorf("reporting an offline payment on a card order: %v", err)
		}
		paid, err := commerce.ActAsSystem(e.ctx, e.c, o.ID, commerce.ActionPaymentSucceeded, commerce.ActInput{})
		if err != nil || paid.Status != "paid" {
			t.Fatalf("payment succeeded: %+v %v", paid, err)
		}
		o, _ = e.order(w.buyer, w.maker, "stripe", 1)
		_, err = e.c.Act(e.ctx, w.buyer, o.ID, commerce.ActionCancel, commerce.ActInput{})
		e.must(err)
		refunded, err := commerce.ActAsSystem(e.ctx, e.c, o.ID, commerce.ActionLateRefund, commerce.ActInput{})
		if err != nil || refunded.Status != "cancelled" || refunded.Payment.Status != commerce.PayRefunded {
			t.Fatalf("late refund: %+v %v", refunded, err)
		}
		if _, err := commerce.ActAsSystem(e.ctx, e.c, o.ID, commerce.ActionLateRefund, commerce.ActInput{}); code(err) != "invalid_transition" {
			t.Errorf("a second late refund: %v", err)
		}
	})
}
