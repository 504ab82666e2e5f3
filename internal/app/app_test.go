package app_test

import (
	"context"
	"image/color"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v82/webhook"

	"guildhall/internal/payment"
	"guildhall/internal/payment/stripe/stripemocktest"
	s3blob "guildhall/internal/platform/blob/s3"
	"guildhall/internal/platform/blob/s3/miniotest"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/testrig"
)

func TestEachServiceSettingSwapsInTheRealService(t *testing.T) {
	s3 := miniotest.MustStart(t)
	// A second, independent server stands in for a MongoDB reached by URI.
	other := mongodbtest.MustOpen(t)
	uri := other.URI
	rig := testrig.MustStart(t,
		testrig.WithEnv("GUILDHALL_MONGO_URI", uri),
		onS3(s3),
	)
	if rig.App.DB.Embedded || rig.App.Blob.Name() != "s3" || rig.App.Index.Name() != "bleve" {
		t.Fatalf("embedded db %v, blob %s, index %s", rig.App.DB.Embedded, rig.App.Blob.Name(), rig.App.Index.Name())
	}
	if !rig.App.DB.FerretDB {
		t.Fatal("a FerretDB reached by URI must be recognised (it needs serialised commands)")
	}
	c := rig.Client(t)
	if r := c.Do("GET", "/readyz", nil); r.Status != http.StatusOK {
		t.Fatalf("readyz %d %s", r.Status, r.Body)
	}
	c.SignUp("remote_user")
	// The user landed in the server named by the URI.
	n, err := other.Client.Database(rig.App.Config.MongoDB).Collection("users").CountDocuments(context.Background(), map[string]any{"handle": "remote_user"})
	if err != nil || n != 1 {
		t.Fatalf("users in the configured server: %d (%v)", n, err)
	}
}

func TestGuildhallStartsWhileSearchIsDownAndReadyzSaysSo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_MEILI_URL", dead), testrig.WithEnv("GUILDHALL_SERVICE_TIMEOUT", "300ms"))
	c := rig.Client(t)
	r := c.Do("GET", "/readyz", nil)
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), `"failing":["search"]`) {
		t.Fatalf("readyz %d %s", r.Status, r.Body)
	}
	// Sign-up still works: MongoDB is the record, the index catches up later.
	c.SignUp("while_down")
	n, err := rig.App.Queue.Depth(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("want the user's index intent kept for later, depth %d (%v)", n, err)
	}
}

func TestImagesOnS3AreServedByASignedRedirect(t *testing.T) {
	s3 := miniotest.MustStart(t)
	rig := testrig.MustStart(t,
		testrig.WithEnv("GUILDHALL_S3_PUBLIC_ENDPOINT", s3.Endpoint),
		onS3(s3),
	)
	c := rig.Client(t)
	c.SignUp("s3_maker")
	r := c.Upload("red.png", testrig.PNG(t, 400, 300, color.RGBA{255, 0, 0, 255}))
	if r.Status != http.StatusCreated {
		t.Fatalf("upload to S3: %d %s", r.Status, r.Body)
	}
	var m struct{ Variants map[string]string }
	r.JSON(t, &m)
	got := c.Do("GET", m.Variants["medium"], nil)
	loc := got.Header.Get("Location")
	if got.Status != http.StatusFound || !strings.Contains(loc, "X-Amz-Signature=") {
		t.Fatalf("want a redirect to a signed URL, got %d %q", got.Status, loc)
	}
	resp, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("signed URL: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestWithoutAPublicEndpointImagesOnS3AreProxied(t *testing.T) {
	s3 := miniotest.MustStart(t)
	rig := testrig.MustStart(t,
		onS3(s3),
	)
	c := rig.Client(t)
	c.SignUp("proxy_maker")
	var m struct{ Variants map[string]string }
	c.Upload("blue.png", testrig.PNG(t, 400, 300, color.RGBA{0, 0, 255, 255})).JSON(t, &m)
	got := c.Do("GET", m.Variants["thumb"], nil)
	if got.Status != http.StatusOK || got.Header.Get("Content-Type") != "image/jpeg" || len(got.Body) == 0 ||
		got.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("proxied image: %d %v", got.Status, got.Header)
	}
}

// onS3 points Guildhall's blob store at a test bucket.
func onS3(cfg s3blob.Config) testrig.Option {
	return func(env map[string]string) {
		env["GUILDHALL_S3_ENDPOINT"], env["GUILDHALL_S3_BUCKET"] = cfg.Endpoint, cfg.Bucket
		env["GUILDHALL_S3_ACCESS_KEY"], env["GUILDHALL_S3_SECRET_KEY"] = cfg.AccessKey, cfg.SecretKey
	}
}

func TestCardPaymentsAreOfferedOnlyWhenStripeIsConfigured(t *testing.T) {
	charge := payment.Charge{Key: "checkout:u_1:k1", Amount: 4200, Currency: "CNY", Metadata: map[string]string{"checkout": "u_1:k1"}}

	t.Run("WithoutStripeOfflineOnly", func(t *testing.T) {
		m := testrig.MustStart(t).App.Payments
		if _, ok := m.Provider(payment.MethodStripe); ok || m.Card != nil || m.CardWebhooks != nil || m.CardPublicKey != "" {
			t.Fatalf("card payments offered without Stripe: %+v", m)
		}
		offline, ok := m.Provider(payment.MethodOffline)
		if !ok {
			t.Fatal("no offline payment")
		}
		if got, err := offline.Start(context.Background(), charge); err != nil || got.Status != payment.StatusAwaiting {
			t.Fatalf("offline start %+v %v", got, err)
		}
	})

	t.Run("WithStripe", func(t *testing.T) {
		cfg := stripemocktest.MustStart(t)
		m := testrig.MustStart(t, testrig.WithStripe(cfg)).App.Payments
		card, ok := m.Provider(payment.MethodStripe)
		if !ok || m.CardPublicKey != cfg.PublishableKey {
			t.Fatalf("card payments not offered: %+v", m)
		}
		got, err := card.Start(context.Background(), charge)
		if err != nil || !strings.HasPrefix(got.Ref, "pi_") {
			t.Fatalf("card start through the configured API: %+v %v", got, err)
		}
		body := []byte(`{"id":"evt_1","object":"event","type":"payment_intent.canceled","data":{"object":{"id":"pi_1","object":"payment_intent","amount":4200,"currency":"cny"}}}`)
		header := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: cfg.WebhookSecret}).Header
		if ev, err := m.CardWebhooks.Parse(body, header); err != nil || ev.Type != payment.EventCanceled {
			t.Fatalf("events signed with the configured secret: %+v %v", ev, err)
		}
	})
}
