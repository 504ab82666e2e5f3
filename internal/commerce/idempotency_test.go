package commerce_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"guildhall/internal/commerce"
	"guildhall/internal/problem"
)

func TestService_Checkout_Idempotency(t *testing.T) {
	e := mustOpen(t)
	potter := e.maker("potter")
	bowl := e.work(potter, "Bowl", 12900, 10)
	fan := e.user("fan")
	addr := e.address(fan, "CN")
	in := func(key, note string) commerce.CheckoutInput {
		return commerce.CheckoutInput{Key: key, AddressID: addr, PaymentMethod: "offline", Note: note}
	}

	t.Run("ASameKeyAndBodyReplaysTheFirstAnswer", func(t *testing.T) {
		e.buy(fan, bowl, "", 1)
		first, err := e.c.Checkout(e.ctx, fan, in("replay", "hi"))
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.c.Checkout(e.ctx, fan, in("replay", "hi"))
		if err != nil || !again.Replayed {
			t.Fatalf("replay: %+v %v", again, err)
		}
		again.Replayed = false
		if !reflect.DeepEqual(first, again) {
			t.Errorf("the replay differs:\n%+v\n%+v", first, again)
		}
		if stock, _ := e.stock(bowl.ID); stock != 9 {
			t.Errorf("the replay took stock again: %d", stock)
		}
	})

	t.Run("AFailureIsReplayedToo", func(t *testing.T) {
		_, err := e.c.Checkout(e.ctx, fan, in("empty-cart", ""))
		if code(err) != "cart_empty" || commerce.IsReplayed(err) {
			t.Fatalf("first: %v", err)
		}
		e.buy(fan, bowl, "", 1) // the cart is no longer empty, but the key has its answer
		_, err = e.c.Checkout(e.ctx, fan, in("empty-cart", ""))
		if code(err) != "cart_empty" || !commerce.IsReplayed(err) || kind(err) != problem.KindInvalid {
			t.Fatalf("replayed: %v", err)
		}
	})

	t.Run("TheSameKeyWithAnotherBodyIsRefused", func(t *testing.T) {
		_, err := e.c.Checkout(e.ctx, fan, in("replay", "another note"))
		if code(err) != "idempotency_key_reused" || kind(err) != problem.KindInvalid {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ARepeatWhileTheFirstRunsIsTold", func(t *testing.T) {
		reached, release := make(chan struct{}), make(chan struct{})
		commerce.SetStepHook(e.c, func(ctx context.Context, id, step string) error {
			if step == commerce.StepIntent {
				close(reached)
				<-release
			}
			return nil
		})
		defer commerce.SetStepHook(e.c, func(context.Context, string, string) error { return nil })
		done := make(chan error)
		go func() { _, err := e.c.Checkout(e.ctx, fan, in("slow", "")); done <- err }()
		<-reached
		_, err := e.c.Checkout(e.ctx, fan, in("slow", ""))
		if code(err) != "idempotency_key_in_use" || kind(err) != problem.KindConflict {
			t.Errorf("while running: %v", err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if r, err := e.c.Checkout(e.ctx, fan, in("slow", "")); err != nil || !r.Replayed {
			t.Errorf("after: %+v %v", r, err)
		}
	})

	t.Run("AMissingOrMalformedKeyIsRefused", func(t *testing.T) {
		for key, want := range map[string]string{
			"":                       "idempotency_key_required",
			strings.Repeat("k", 256): "idempotency_key_invalid",
			"tab\tkey":               "idempotency_key_invalid",
			"ключ":                   "idempotency_key_invalid",
		} {
			_, err := e.c.Checkout(e.ctx, fan, in(key, ""))
			if code(err) != want || kind(err) != problem.KindMalformed {
				t.Errorf("key %q: %v", key, err)
			}
		}
		e.buy(fan, bowl, "", 1)
		if _, err := e.c.Checkout(e.ctx, fan, in(strings.Repeat("k", 255), "")); err != nil {
			t.Errorf("a key of 255 printable characters: %v", err)
		}
	})
}
