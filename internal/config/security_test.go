package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSecurityDefaultsTrustNoProxyAndBoundSlowClients(t *testing.T) {
	c, err := Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 0 || c.ReadTimeout != 2*c.RequestTimeout || c.IdleTimeout <= 0 ||
		c.UploadPerUser != (RatePolicy{30, time.Minute}) || c.SessionIdle != 14*24*time.Hour || c.SMTP() {
		t.Fatalf("defaults: %+v %+v", c.Security, c.Mail)
	}
}

func TestTrustedProxiesAreCIDRsOrAddresses(t *testing.T) {
	c, err := Parse(env(map[string]string{"GUILDHALL_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 ,fd00::/8"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.TrustedProxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.168.1.7/32 fd00::/8" {
		t.Fatalf("got %v", got)
	}
}

func TestABadSecurityOrMailValueNamesItsVariable(t *testing.T) {
	cases := []map[string]string{
		{"GUILDHALL_TRUSTED_PROXIES": "10.0.0.0/8,somewhere"},
		{"GUILDHALL_READ_TIMEOUT": "1s"}, // shorter than the request timeout
		{"GUILDHALL_METRICS_ADDR": "9090"},
		{"GUILDHALL_RATELIMIT_UPLOAD": "many"},
		{"GUILDHALL_SESSION_IDLE": "a fortnight"},
		{"GUILDHALL_SMTP_URL": "mail.example:25"},
		{"GUILDHALL_SMTP_URL": "smtp://mail.example:25"}, // no From
	}
	for _, m := range cases {
		_, err := Parse(env(m))
		var fe *FieldError
		want := ""
		for k := range m {
			want = k
		}
		if m["GUILDHALL_SMTP_URL"] == "smtp://mail.example:25" {
			want = "GUILDHALL_SMTP_FROM"
		}
		if !errors.As(err, &fe) || fe.Var != want {
			t.Errorf("%v: got %v, want an error naming %s", m, err, want)
		}
	}
}

func TestTheSMTPPasswordAndMetricsTokenNeverReachTheLog(t *testing.T) {
	c, err := Parse(env(map[string]string{
		"GUILDHALL_SMTP_URL": "smtp://mailer:smtp-secret@mail.example:587", "GUILDHALL_SMTP_FROM": "Guildhall <noreply@guildhall.example>",
		"GUILDHALL_METRICS_TOKEN": "metrics-secret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	logged := fmt.Sprint(c.Masked()...)
	if strings.Contains(logged, "smtp-secret") || strings.Contains(logged, "metrics-secret") || !strings.Contains(logged, "mail.example:587") {
		t.Fatalf("logged: %s", logged)
	}
}
