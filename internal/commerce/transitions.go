package commerce

import (
	"slices"

	"guildhall/internal/payment"
	"guildhall/internal/problem"
)

// Parties that take actions on an order.
const (
	PartyBuyer  = "buyer"
	PartyMaker  = "maker"
	PartyAdmin  = "admin"
	PartySystem = "system" // jobs and payment events
)

// Actions on an order. The API maps POST /orders/{id}/{action} onto the
// ones people take.
const (
	ActionPlace            = "place"             // checkout made the order
	ActionPay              = "paid"              // buyer, offline: reports the payment with a reference
	ActionConfirmPayment   = "confirm-payment"   // maker, offline: the money arrived
	ActionPaymentSucceeded = "payment-succeeded" // system, card: the provider collected it
	ActionShip             = "ship"              // maker, with carrier and tracking number
	ActionReceived         = "received"          // buyer; the system after AutoReceiveAfter
	ActionComplete         = "complete"          // system, when buyer protection ends
	ActionCancel           = "cancel"            // with a reason; the system when unpaid orders expire
	ActionRefundReceived   = "refund-received"   // buyer or admin, offline: the refund arrived
	ActionLateRefund       = "late-payment-refunded"
)

// Transition is one row of the table: who may take an action, from which
// statuses, the status it leads to ("" stays), and the payment method it
// is for ("" any).
type Transition struct {
	Action string
	From   map[string][]string // party -> statuses it may act from
	To     string
	Method string
}

// Transitions is the one table of what may happen to an order. Whatever
// else checks an action (the input it needs, the payment's own state)
// comes after this table has allowed it.
var Transitions = []Transition{
	{Action: ActionPay, To: "", Method: payment.MethodOffline,
		From: map[string][]string{PartyBuyer: {StatusPendingPayment}}},
	{Action: ActionConfirmPayment, To: StatusPaid, Method: payment.MethodOffline,
		From: map[string][]string{PartyMaker: {StatusPendingPayment}}},
	// A card payment can arrive after its order expired: the order is
	// re-opened if its stock can be taken again (payments.go).
	{Action: ActionPaymentSucceeded, To: StatusPaid, Method: payment.MethodStripe,
		From: map[string][]string{PartySystem: {StatusPendingPayment, StatusCancelled}}},
	{Action: ActionShip, To: StatusShipped,
		From: map[string][]string{PartyMaker: {StatusPaid}}},
	{Action: ActionReceived, To: StatusDelivered,
		From: map[string][]string{PartyBuyer: {StatusShipped}, PartySystem: {StatusShipped}}},
	{Action: ActionComplete, To: StatusCompleted,
		From: map[string][]string{PartySystem: {StatusDelivered}}},
	{Action: ActionCancel, To: StatusCancelled,
		From: map[string][]string{
			PartyBuyer:  {StatusPendingPayment},
			PartyMaker:  {StatusPendingPayment, StatusPaid},
			PartyAdmin:  {StatusPendingPayment, StatusPaid},
			PartySystem: {StatusPendingPayment},
		}},
	{Action: ActionRefundReceived, To: "", Method: payment.MethodOffline,
		From: map[string][]string{PartyBuyer: {StatusCancelled}, PartyAdmin: {StatusCancelled}}},
	{Action: ActionLateRefund, To: "", Method: payment.MethodStripe,
		From: map[string][]string{PartySystem: {StatusCancelled}}},
}

// ActionsPeopleTake are the actions the API offers.
var ActionsPeopleTake = []string{ActionPay, ActionConfirmPayment, ActionShip, ActionReceived, ActionCancel, ActionRefundReceived}

// Lookup returns the row of action.
func Lookup(action string) (Transition, bool) {
	i := slices.IndexFunc(Transitions, func(t Transition) bool { return t.Action == action })
	if i < 0 {
		return Transition{}, false
	}
	return Transitions[i], true
}

// decide picks, of the parties the caller is to o (most specific first),
// the one the table lets take action, and the status it leads to. A party
// the row does not name at all is forbidden (403); a named party acting
// from a status the row does not list, or on an order paid another way,
// meets invalid_transition naming the status (409).
func decide(o *Order, action string, parties []string) (party, to string, err error) {
	t, ok := Lookup(action)
	if !ok {
		return "", "", problem.InvalidField("action", "action_unknown")
	}
	i := slices.IndexFunc(parties, func(p string) bool { _, ok := t.From[p]; return ok })
	if i < 0 {
		return "", "", problem.Forbidden("not_your_order")
	}
	party = parties[i]
	for _, p := range parties[i:] {
		if slices.Contains(t.From[p], o.Status) {
			party = p
			break
		}
	}
	if !slices.Contains(t.From[party], o.Status) || (t.Method != "" && t.Method != o.Payment.Method) {
		return "", "", invalidTransition(o)
	}
	to = t.To
	if to == "" {
		to = o.Status
	}
	return party, to, nil
}

func invalidTransition(o *Order) error {
	return &problem.Error{Kind: problem.KindConflict, Code: "invalid_transition", Message: "invalid_transition",
		Fields: map[string]string{"status": o.Status}, Data: map[string]any{"status": o.Status}}
}
