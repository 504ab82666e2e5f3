package commerce

import "context"

// SetStepHook makes fn run after each step of every checkout of s; an
// error from fn stops the checkout right there, as a crash would.
func SetStepHook(s *Service, fn func(ctx context.Context, checkoutID, step string) error) {
	s.step = fn
}

// ActAsSystem takes action as the platform, as the jobs and payment events do.
func ActAsSystem(ctx context.Context, s *Service, id, action string, in ActInput) (*Order, error) {
	return s.system(ctx, id, action, in, nil)
}
