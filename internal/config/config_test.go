package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestNothingSetRunsEverythingEmbeddedUnderData(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.MongoURI != "" || c.MeiliURL != "" || c.S3Endpoint != "" || !c.RateLimit {
		t.Fatalf("defaults: %+v", c)
	}
	if c.SecureCookies() {
		t.Error("http://localhost must not demand Secure cookies")
	}
}

func TestSecretsNeverReachTheLog(t *testing.T) {
	c, err := Parse(env(map[string]string{
		"GUILDHALL_MONGO_URI":     "mongodb://app:hunter2@db:27017/?replicaSet=rs0",
		"GUILDHALL_MEILI_URL":     "http://meili:7700",
		"GUILDHALL_MEILI_KEY":     "meili-secret",
		"GUILDHALL_S3_ENDPOINT":   "minio:9000",
		"GUILDHALL_S3_ACCESS_KEY": "access",
		"GUILDHALL_S3_SECRET_KEY": "s3-secret",
		"GUILDHALL_BASE_URL":      "https://guildhall.example",

		"GUILDHALL_STRIPE_SECRET_KEY":      "sk_live_stripe-secret",
		"GUILDHALL_STRIPE_WEBHOOK_SECRET":  "whsec_signing-secret",
		"GUILDHALL_STRIPE_PUBLISHABLE_KEY": "pk_live_public",
	}))
	if err != nil {
		t.Fatal(err)
	}
	logged := fmt.Sprint(c.Masked()...)
	for _, secret := range []string{"hunter2", "meili-secret", "s3-secret", "stripe-secret", "signing-secret"} {
		if strings.Contains(logged, secret) {
			t.Errorf("the log shows %q: %s", secret, logged)
		}
	}
	if !strings.Contains(logged, "db:27017") || !c.SecureCookies() {
		t.Errorf("want the host logged and Secure cookies on https: %s", logged)
	}
}

func TestABadValueNamesItsVariable(t *testing.T) {
	cases := map[string]string{
		"GUILDHALL_RATELIMIT":           "maybe",
		"GUILDHALL_RATELIMIT_SIGNIN_IP": "lots",
		"GUILDHALL_REQUEST_TIMEOUT":     "-1s",
		"GUILDHALL_MAX_BODY_BYTES":      "big",
		"GUILDHALL_S3_TLS":              "sometimes",
		"GUILDHALL_LOG_LEVEL":           "loud",
		// Commerce: a duration needs a unit and must be positive; days
		// are whole and bounded.
		"GUILDHALL_UNPAID_EXPIRY_OFFLINE": "72",
		"GUILDHALL_UNPAID_EXPIRY_CARD":    "0s",
		"GUILDHALL_AUTO_RECEIVE_AFTER":    "two weeks",
		"GUILDHALL_PROTECTION_DAYS":       "60.5",
	}
	for name, value := range cases {
		_, err := Parse(env(map[string]string{name: value}))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Var != name {
			t.Errorf("%s=%s: got %v", name, value, err)
		}
	}
}

func TestRateLimitsAreReadAsCountPerDuration(t *testing.T) {
	c, err := Parse(env(map[string]string{"GUILDHALL_RATELIMIT_SIGNUP_IP": "3/90s", "GUILDHALL_RATELIMIT": "off"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SignUpPerIP != (RatePolicy{3, 90 * time.Second}) || c.RateLimit {
		t.Fatalf("got %+v, ratelimit %v", c.SignUpPerIP, c.RateLimit)
	}
}

func TestStripeIsOnOnlyWithASecretKeyAndItsWebhookSecret(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil || c.Stripe() || !strings.Contains(fmt.Sprintln(c.Masked()...), "stripe off") {
		t.Fatalf("nothing set: stripe %v (%v) %v", c.Stripe(), err, c.Masked())
	}
	c, err = Parse(env(map[string]string{
		"GUILDHALL_STRIPE_SECRET_KEY":     "sk_test_1",
		"GUILDHALL_STRIPE_WEBHOOK_SECRET": "whsec_1",
		"GUILDHALL_STRIPE_API_URL":        "http://127.0.0.1:12111",
	}))
	if err != nil || !c.Stripe() || c.StripeAPIURL != "http://127.0.0.1:12111" {
		t.Fatalf("configured: stripe %v, api %q (%v)", c.Stripe(), c.StripeAPIURL, err)
	}

	wrong := map[string]map[string]string{
		// A key without the secret its events are signed with cannot
		// take card payments safely.
		"GUILDHALL_STRIPE_WEBHOOK_SECRET": {"GUILDHALL_STRIPE_SECRET_KEY": "sk_test_1"},
		// The publishable key pasted where the secret one goes.
		"GUILDHALL_STRIPE_SECRET_KEY": {"GUILDHALL_STRIPE_SECRET_KEY": "pk_test_1", "GUILDHALL_STRIPE_WEBHOOK_SECRET": "whsec_1"},
		"GUILDHALL_STRIPE_API_URL": {"GUILDHALL_STRIPE_SECRET_KEY": "sk_test_1", "GUILDHALL_STRIPE_WEBHOOK_SECRET": "whsec_1",
			"GUILDHALL_STRIPE_API_URL": "localhost:12111"},
		"GUILDHALL_STRIPE_PUBLISHABLE_KEY": {"GUILDHALL_STRIPE_SECRET_KEY": "sk_test_1", "GUILDHALL_STRIPE_WEBHOOK_SECRET": "whsec_1",
			"GUILDHALL_STRIPE_PUBLISHABLE_KEY": "sk_test_1"},
	}
	for name, vars := range wrong {
		_, err := Parse(env(vars))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Var != name {
			t.Errorf("%v: want an error naming %s, got %v", vars, name, err)
		}
	}
	// Settings without the key would leave card payments silently off.
	_, err = Parse(env(map[string]string{"GUILDHALL_STRIPE_WEBHOOK_SECRET": "whsec_1"}))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Var != "GUILDHALL_STRIPE_SECRET_KEY" {
		t.Errorf("a webhook secret alone: got %v", err)
	}
}

func TestCommerceTimesDefaultAsTheIssueSaysAndCanBeSet(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.UnpaidExpiryOffline != 72*time.Hour || c.UnpaidExpiryCard != 30*time.Minute ||
		c.AutoReceiveAfter != 14*24*time.Hour || c.ProtectionDays != 60 {
		t.Fatalf("defaults: %v %v %v %d", c.UnpaidExpiryOffline, c.UnpaidExpiryCard, c.AutoReceiveAfter, c.ProtectionDays)
	}
	c, err = Parse(env(map[string]string{"GUILDHALL_UNPAID_EXPIRY_CARD": "15m", "GUILDHALL_AUTO_RECEIVE_AFTER": "240h",
		"GUILDHALL_PROTECTION_DAYS": "90", "GUILDHALL_UNPAID_EXPIRY_OFFLINE": "48h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.UnpaidExpiryCard != 15*time.Minute || c.AutoReceiveAfter != 240*time.Hour || c.ProtectionDays != 90 || c.UnpaidExpiryOffline != 48*time.Hour {
		t.Fatalf("set: %+v", c)
	}
	for _, days := range []string{"0", "-3", "4000"} {
		if _, err := Parse(env(map[string]string{"GUILDHALL_PROTECTION_DAYS": days})); err == nil {
			t.Errorf("GUILDHALL_PROTECTION_DAYS=%s accepted", days)
		}
	}
}
