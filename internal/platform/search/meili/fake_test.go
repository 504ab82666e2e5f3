package meili

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeMeili answers as Meilisearch's documented v1 API does, for the
// endpoints the adapter uses, and records every request it receives.
type fakeMeili struct {
	mu       sync.Mutex
	requests []recorded
	indexes  map[string]bool
	tasks    map[int64]string // uid -> index uid
	nextTask int64

	failTasks   string // error code every task fails with, if set
	stuckTasks  bool   // tasks stay "processing"
	searchReply string // body of /search answers
}

type recorded struct {
	Method, Path, Query, Auth string
	Body                      []byte
}

func newFake(t *testing.T, indexes ...string) (*fakeMeili, *httptest.Server) {
	f := &fakeMeili{indexes: map[string]bool{}, tasks: map[int64]string{}}
	for _, ix := range indexes {
		f.indexes[ix] = true
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeMeili) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body})
	w.Header().Set("Content-Type", "application/json")
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == "GET" && r.URL.Path == "/health":
		io.WriteString(w, `{"status":"available"}`)
	case r.Method == "GET" && len(parts) == 2 && parts[0] == "tasks":
		f.writeTask(w, parts[1])
	case r.Method == "POST" && r.URL.Path == "/indexes":
		var in struct{ UID string }
		json.Unmarshal(body, &in)
		f.indexes[in.UID] = true
		f.enqueue(w, in.UID, "indexCreation")
	case len(parts) < 2 || parts[0] != "indexes":
		w.WriteHeader(http.StatusNotFound)
	case !f.indexes[parts[1]]:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"Index %s not found.","code":"index_not_found","type":"invalid_request","link":"https://docs.meilisearch.com/errors#index_not_found"}`, "`"+parts[1]+"`")
	case r.Method == "GET" && len(parts) == 2:
		fmt.Fprintf(w, `{"uid":%q,"primaryKey":"id","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`, parts[1])
	case r.Method == "PATCH" && len(parts) == 3 && parts[2] == "settings":
		f.enqueue(w, parts[1], "settingsUpdate")
	case r.Method == "POST" && len(parts) == 3 && parts[2] == "documents":
		f.enqueue(w, parts[1], "documentAdditionOrUpdate")
	case r.Method == "POST" && len(parts) == 4 && parts[3] == "delete-batch":
		f.enqueue(w, parts[1], "documentDeletion")
	case r.Method == "POST" && len(parts) == 3 && parts[2] == "search":
		io.WriteString(w, f.searchReply)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"no route %s %s","code":"not_found","type":"invalid_request","link":""}`, r.Method, r.URL.Path)
	}
}

func (f *fakeMeili) enqueue(w http.ResponseWriter, index, typ string) {
	f.nextTask++
	f.tasks[f.nextTask] = index
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, `{"taskUid":%d,"indexUid":%q,"status":"enqueued","type":%q,"enqueuedAt":"2025-01-01T00:00:00Z"}`, f.nextTask, index, typ)
}

func (f *fakeMeili) writeTask(w http.ResponseWriter, uid string) {
	var n int64
	fmt.Sscan(uid, &n)
	index, ok := f.tasks[n]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"Task %d not found.","code":"task_not_found","type":"invalid_request","link":""}`, n)
		return
	}
	status, errJSON := "succeeded", "null"
	switch {
	case f.stuckTasks:
		status = "processing"
	case f.failTasks != "":
		status = "failed"
		errJSON = fmt.Sprintf(`{"message":"it broke","code":%q,"type":"invalid_request","link":""}`, f.failTasks)
	}
	fmt.Fprintf(w, `{"uid":%d,"indexUid":%q,"status":%q,"type":"documentAdditionOrUpdate","error":%s,"enqueuedAt":"2025-01-01T00:00:00Z"}`, n, index, status, errJSON)
}

// calls lists "METHOD path?query" of every request so far.
func (f *fakeMeili) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.requests))
	for i, r := range f.requests {
		out[i] = r.Method + " " + r.Path
		if r.Query != "" {
			out[i] += "?" + r.Query
		}
	}
	return out
}

// body decodes the JSON body of the last request to path.
func (f *fakeMeili) body(t *testing.T, method, path string) any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.requests) - 1; i >= 0; i-- {
		if r := f.requests[i]; r.Method == method && r.Path == path {
			var v any
			if err := json.Unmarshal(r.Body, &v); err != nil {
				t.Fatalf("%s %s body %q: %v", method, path, r.Body, err)
			}
			return v
		}
	}
	t.Fatalf("no %s %s among %v", method, path, f.requests)
	return nil
}
