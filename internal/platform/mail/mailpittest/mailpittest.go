//go:build unix

// Package mailpittest gives tests a real SMTP server, Mailpit, started as a
// process of the test's own (GUILDHALL_TEST_MAILPIT_BIN, else .cache/bin,
// PATH or GOPATH/bin), and reads what it received through Mailpit's HTTP
// API. A missing binary fails the test; it never skips.
package mailpittest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guildhall/internal/testrig/serverproc"
)

// EnvBin names the Mailpit binary.
const EnvBin = "GUILDHALL_TEST_MAILPIT_BIN"

const installHint = "run ./scripts/test.sh, or GOBIN=$PWD/.cache/bin go install github.com/axllent/mailpit@v1.33.1"

// Server is a running Mailpit.
type Server struct {
	SMTP string // host:port
	API  string // http://host:port
	// RootCAs trusts the certificate Mailpit offers with STARTTLS (WithTLS).
	RootCAs *x509.CertPool
}

// Option changes how Mailpit starts.
type Option func(tb testing.TB, dir string, args *[]string, s *Server)

// WithTLS makes Mailpit offer STARTTLS with a certificate made for the
// test, which Server.RootCAs trusts.
func WithTLS() Option {
	return func(tb testing.TB, dir string, args *[]string, s *Server) {
		cert, key := selfSigned(tb, dir)
		kept := (*args)[:0]
		for _, a := range *args {
			if a != "--smtp-auth-allow-insecure" { // Mailpit refuses it beside required TLS
				kept = append(kept, a)
			}
		}
		*args = append(kept, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls")
		pem, _ := os.ReadFile(cert)
		s.RootCAs = x509.NewCertPool()
		s.RootCAs.AppendCertsFromPEM(pem)
	}
}

// Start runs Mailpit for the test, accepting any SMTP user and password.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	bin := serverproc.Binary(tb, EnvBin, "mailpit", installHint)
	dir := tb.TempDir()
	var lastErr error
	for range 3 { // a port taken between freeAddr and Mailpit's bind
		smtpAddr, apiAddr := freeAddr(tb), freeAddr(tb)
		s := &Server{SMTP: smtpAddr, API: "http://" + apiAddr}
		args := []string{"--smtp", smtpAddr, "--listen", apiAddr, "--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", time.Now().UnixNano())),
			"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--smtp-disable-rdns", "--disable-version-check"}
		for _, o := range opts {
			o(tb, dir, &args, s)
		}
		p, err := serverproc.Start(tb, bin, args, nil)
		if err != nil {
			tb.Fatalf("mailpittest: %v", err)
		}
		client := &http.Client{Timeout: time.Second}
		err = p.WaitReady(30*time.Second, func() bool {
			resp, err := client.Get(s.API + "/livez")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		if err == nil {
			return s
		}
		lastErr = err
	}
	tb.Fatalf("mailpittest: %v", lastErr)
	return nil
}

// Address is a sender or recipient as Mailpit reports it.
type Address struct{ Name, Address string }

// Message is a received message.
type Message struct {
	ID      string
	From    Address
	To      []Address
	Subject string
	Text    string
	HTML    string
	Header  map[string][]string
}

// WaitFor polls Mailpit until a message to address has arrived, and
// returns the newest, or fails the test after timeout.
func (s *Server) WaitFor(tb testing.TB, address string, timeout time.Duration) Message {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if ms := s.To(tb, address); len(ms) > 0 {
			return ms[0]
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpittest: no message to %s within %s", address, timeout)
		}
		time.Sleep(50 * time.Millisecond) // polling Mailpit, which signals nothing
	}
}

// To lists the messages to address, newest first, read in full.
func (s *Server) To(tb testing.TB, address string) []Message {
	tb.Helper()
	var list struct{ Messages []Message }
	s.get(tb, "/api/v1/search?query="+url.QueryEscape("to:"+address), &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full Message
		s.get(tb, "/api/v1/message/"+m.ID, &full)
		s.get(tb, "/api/v1/message/"+m.ID+"/headers", &full.Header)
		out = append(out, full)
	}
	return out
}

func (s *Server) get(tb testing.TB, path string, v any) {
	tb.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		tb.Fatalf("mailpittest: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("mailpittest: GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("mailpittest: GET %s: %v", path, err)
	}
}

func freeAddr(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailpittest: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// selfSigned writes a certificate for 127.0.0.1 and localhost and its key.
func selfSigned(tb testing.TB, dir string) (certFile, keyFile string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailpit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true, DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		tb.Fatal(err)
	}
	return certFile, keyFile
}
