package server_test

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"guildhall/internal/testrig"
)

// heldForm is a multipart form whose first part, field, is written at once
// and whose end never comes until the test ends: a server that reads the
// whole form before deciding never answers it.
func heldForm(t *testing.T, c *testrig.Client, path, field string, value []byte) (int, string) {
	t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	fw, _ := mw.CreateFormField(field)
	_, _ = fw.Write(value)
	body := &trickle{first: head.Bytes(), end: make(chan struct{})}
	defer close(body.end)
	req, err := http.NewRequest("POST", c.BaseURL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(head.Len()) + 10<<20
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s while its body was still coming: no answer: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func manyIDs(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "w%06d\n", i)
	}
	return b.Bytes()
}

func TestANewThreadFormIsAnsweredBeforeItsBodyIsRead(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "gate_potter")
	group := createGroup(t, owner, map[string]any{"name": "Open kiln", "description": "All welcome."})
	stranger := rig.Client(t)
	stranger.SignUp("gate_stranger")
	if status, body := heldForm(t, stranger, "/groups/no-such-group/threads/new", "works", manyIDs(40_000)); status != http.StatusNotFound {
		t.Fatalf("a group that does not exist: %d %s", status, body)
	}
	if status, body := heldForm(t, stranger, "/groups/"+group+"/threads/new", "works", manyIDs(40_000)); status != http.StatusForbidden {
		t.Fatalf("a group the user has not joined: %d %s", status, body)
	}
}

func TestAFormFieldOverItsCapIsRefusedBeforeTheRestIsRead(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "verbose_maker")
	status, body := heldForm(t, maker, "/studio/works/new", "description", bytes.Repeat([]byte("长"), 40_000))
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, `<code>description</code>`) {
		t.Fatalf("a 120 kB description: %d %s, want 413 naming the field", status, body)
	}
}

func TestAnUploadFormHoldsItsTextToLessThanItsFiles(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "wordy_maker")
	fields := map[string]string{"title": "A cup"}
	for i := range 5 {
		fields[fmt.Sprintf("note%d", i)] = strings.Repeat("x", 60<<10)
	}
	r := pageUpload(t, maker, "/studio/works/new", fields, "images", testrig.PNG(t, 8, 8, color.RGBA{R: 1, A: 255}))
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), "is longer than 262144 bytes in all") {
		t.Fatalf("300 kB of text beside a file: %d %s", r.Status, r.Body)
	}
}

func TestEveryFormRefusesTooManyFields(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	c.SignUp("field_happy")
	var form strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&form, "f%d=x&", i)
	}
	req, _ := http.NewRequest("POST", rig.URL+"/settings", strings.NewReader(form.String()+"display_name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a form of 1,000 fields: %d", resp.StatusCode)
	}
}

// BenchmarkTheLargestInputEachRouteAccepts sends each route named in
// issue 13 the largest body it takes and times the answer, in-process.
// Run: go test -run '^$' -bench TheLargestInput -benchtime 20x ./internal/server/
func BenchmarkTheLargestInputEachRouteAccepts(b *testing.B) {
	rig := testrig.MustStart(b)
	maker := openStudio(b, rig, "bench_maker")
	r := maker.Do("POST", "/api/v1/groups", map[string]any{"name": "Bench kiln", "description": "x"})
	var g struct{ Group struct{ ID string } }
	r.JSON(b, &g)
	stranger := rig.Client(b)
	stranger.SignUp("bench_stranger")

	var tags bytes.Buffer
	tags.WriteString(`{"title":"t","price":{"amount":1},"category":"other","tags":[`)
	for i := 0; tags.Len() < 1<<20-16; i++ {
		fmt.Fprintf(&tags, `"t%06d",`, i)
	}
	tags.WriteString(`"end"]}`)
	works := manyIDs(40_000)
	memberWorks := manyIDs(80<<10/8 - 1) // the largest works field a form carries
	cases := []struct {
		name, path, token string
		body              func() (io.Reader, string)
		want              int
	}{
		{"works API, 1 MB of tags", "/api/v1/works", maker.Token, func() (io.Reader, string) {
			return bytes.NewReader(tags.Bytes()), "application/json"
		}, http.StatusUnprocessableEntity},
		{"thread form, 40,000 works, no such group", "/groups/no-such-group/threads/new", stranger.Token, multipartOf("works", works), http.StatusNotFound},
		{"thread form, 40,000 works, not a member", "/groups/" + g.Group.ID + "/threads/new", stranger.Token, multipartOf("works", works), http.StatusForbidden},
		{"thread form, largest works field, the owner", "/groups/" + g.Group.ID + "/threads/new", maker.Token, multipartOf("works", memberWorks), 0},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			// CPU time too: wall time on a shared 2-core machine is mostly
			// waiting for a core.
			start := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
			for b.Loop() {
				body, ct := tc.body()
				req := httptest.NewRequest("POST", tc.path, body)
				req.Header.Set("Content-Type", ct)
				req.Header.Set("Authorization", "Bearer "+tc.token)
				rec := httptest.NewRecorder()
				rig.App.Handler.ServeHTTP(rec, req)
				if tc.want != 0 && rec.Code != tc.want || rec.Code < 400 {
					b.Fatalf("%s: %d %s", tc.path, rec.Code, rec.Body.Bytes()[:min(300, rec.Body.Len())])
				}
			}
		})
	}
}

func multipartOf(field string, value []byte) func() (io.Reader, string) {
	return func() (io.Reader, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("title", "Linked works")
		_ = mw.WriteField("body", "See these.")
		fw, _ := mw.CreateFormField(field)
		_, _ = fw.Write(value)
		_ = mw.Close()
		return &buf, mw.FormDataContentType()
	}
}

// cpuTime is the CPU this process has used, the rig's background workers
// included (idle here).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
