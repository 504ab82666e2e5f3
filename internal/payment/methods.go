package payment

// Methods are the ways to pay this Guildhall offers: offline always, card
// only when a card processor is configured. The app builds them once and
// hands them to commerce.
type Methods struct {
	Offline Provider
	Card    Provider // nil when no card processor is configured
	// CardWebhooks reads the card processor's callbacks; nil with Card.
	CardWebhooks Webhooks
	// CardPublicKey is what the buyer's card form loads the processor's
	// script with (Stripe's publishable key). It is not a secret.
	CardPublicKey string
}

// Provider returns the provider of method, or false when this Guildhall
// does not offer it.
func (m Methods) Provider(method string) (Provider, bool) {
	for _, p := range []Provider{m.Offline, m.Card} {
		if p != nil && p.Method() == method {
			return p, true
		}
	}
	return nil, false
}
