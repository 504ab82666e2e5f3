package testrig

import "guildhall/internal/payment/stripe"

// WithStripe turns card payments on against the Stripe API cfg names
// (stripe-mock, from stripemocktest).
func WithStripe(cfg stripe.Config) Option {
	return func(env map[string]string) {
		env["GUILDHALL_STRIPE_SECRET_KEY"], env["GUILDHALL_STRIPE_WEBHOOK_SECRET"] = cfg.SecretKey, cfg.WebhookSecret
		env["GUILDHALL_STRIPE_API_URL"], env["GUILDHALL_STRIPE_PUBLISHABLE_KEY"] = cfg.APIURL, cfg.PublishableKey
	}
}
