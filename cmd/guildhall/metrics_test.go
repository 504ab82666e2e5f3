package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestMetricsCanLiveOnAListenerOfTheirOwn(t *testing.T) {
	metrics := freeAddr(t)
	env := map[string]string{"GUILDHALL_DATA_DIR": t.TempDir(), "GUILDHALL_ADDR": freeAddr(t), "GUILDHALL_METRICS_ADDR": metrics}
	err, logs := serveUntilStopped(t, env, func(base string) {
		r, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("the public listener serves /metrics: %d", r.StatusCode)
		}
		r, err = http.Get("http://" + metrics + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK || !strings.Contains(string(b), "guildhall_http_requests_total") {
			t.Errorf("the metrics listener: %d %.200s", r.StatusCode, b)
		}
	})
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, logs)
	}
}
