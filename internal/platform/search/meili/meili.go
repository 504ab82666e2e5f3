// Package meili is the search.Index backed by a Meilisearch server, for
// deployments past one machine.
//
// Every write waits for its Meilisearch task, so a writer sees its own write
// in the next list as search.Index promises. Calls respect the context; when
// it has no deadline a per-call timeout applies, so a server that is down
// or stuck never hangs a page.
package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/vocab"
)

// maxValuesPerFacet is also the Bleve adapter's facet size.
const maxValuesPerFacet = 100

// docBatch bounds one documents request well under Meilisearch's payload limit.
const docBatch = 1000

var errClosed = errors.New("search: meilisearch index is closed")

// Option configures New.
type Option func(*config)

type config struct {
	vocab   *vocab.Vocabulary
	prefix  string
	timeout time.Duration
	poll    time.Duration
	client  *http.Client
}

// WithPrefix prefixes every index uid, so tests and tenants can share a server.
func WithPrefix(p string) Option { return func(c *config) { c.prefix = p } }

// WithVocabulary sends the shoppers' vocabulary as every index's synonyms
// setting (EnsureSchema), so a search for 皮夹 also finds 钱包 and wallet.
func WithVocabulary(v *vocab.Vocabulary) Option { return func(c *config) { c.vocab = v } }

// WithTimeout bounds each call whose context has no deadline (default 10s).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithTaskPoll sets how often a write polls its task (default 20ms).
func WithTaskPoll(d time.Duration) Option { return func(c *config) { c.poll = d } }

// WithHTTPClient replaces the default client (short dial and header timeouts).
func WithHTTPClient(h *http.Client) Option { return func(c *config) { c.client = h } }

// Index talks to one Meilisearch server. It is safe for concurrent use.
type Index struct {
	cfg config
	sm  meilisearch.ServiceManager

	mu      sync.Mutex
	known   map[string]bool          // kinds whose index exists on the server
	schemas map[string]search.Schema // kinds declared by EnsureSchema, for their folded copies
	closed  bool
}

var _ search.Index = (*Index)(nil)

// New connects lazily: it checks the URL but sends nothing, so the app can
// start while Meilisearch is still starting. Ping checks the server.
func New(rawURL, apiKey string, opts ...Option) (*Index, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("search: meilisearch url %q: want http(s)://host:port", rawURL)
	}
	cfg := config{timeout: 10 * time.Second, poll: 20 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.client == nil {
		cfg.client = &http.Client{
			Timeout: 60 * time.Second, // backstop; contexts set the real limit
			Transport: &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				DialContext:           (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
				TLSHandshakeTimeout:   5 * time.Second,
				ResponseHeaderTimeout: 30 * time.Second,
				MaxIdleConnsPerHost:   32,
				IdleConnTimeout:       90 * time.Second,
			},
		}
	}
	mopts := []meilisearch.Option{meilisearch.WithCustomClient(cfg.client)}
	if apiKey != "" {
		mopts = append(mopts, meilisearch.WithAPIKey(apiKey))
	}
	return &Index{
		cfg:     cfg,
		sm:      meilisearch.New(rawURL, mopts...),
		known:   map[string]bool{},
		schemas: map[string]search.Schema{},
	}, nil
}

// Name implements search.Index.
func (x *Index) Name() string { return "meilisearch" }

// UID is the Meilisearch index uid that holds kind.
func (x *Index) UID(kind string) string { return x.cfg.prefix + kind }

// Ping implements search.Index.
func (x *Index) Ping(ctx context.Context) error {
	ctx, cancel, err := x.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	h, err := x.sm.Health(ctx)
	if err != nil {
		return fmt.Errorf("search: meilisearch ping: %w", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("search: meilisearch ping: status %q", h.Status)
	}
	return nil
}

// Close releases idle connections. Later calls fail.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.closed {
		x.closed = true
		x.sm.Close()
	}
	return nil
}

// begin applies the default timeout and refuses calls after Close.
func (x *Index) begin(ctx context.Context) (context.Context, context.CancelFunc, error) {
	x.mu.Lock()
	closed := x.closed
	x.mu.Unlock()
	if closed {
		return nil, nil, errClosed
	}
	if _, ok := ctx.Deadline(); ok || x.cfg.timeout <= 0 {
		ctx, cancel := context.WithCancel(ctx)
		return ctx, cancel, nil
	}
	ctx, cancel := context.WithTimeout(ctx, x.cfg.timeout)
	return ctx, cancel, nil
}

// wait blocks until the task ends; a task that did not succeed is an error.
func (x *Index) wait(ctx context.Context, info *meilisearch.TaskInfo) error {
	task, err := x.sm.WaitForTask(ctx, info.TaskUID, x.cfg.poll)
	if err != nil {
		return fmt.Errorf("wait for task %d: %w", info.TaskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return &taskError{uid: info.TaskUID, status: task.Status, api: task.Error}
	}
	return nil
}

// taskError is a Meilisearch task that failed or was cancelled.
type taskError struct {
	uid    int64
	status meilisearch.TaskStatus
	api    meilisearch.APIErrorDetails
}

func (e *taskError) Error() string {
	return fmt.Sprintf("meilisearch task %d %s: %s: %s", e.uid, e.status, e.api.Code, e.api.Message)
}

// Unwrap lets errors.Is(err, search.ErrUnknownKind) see a missing index.
func (e *taskError) Unwrap() error {
	if e.api.Code == meilisearch.APIErrCodeIndexNotFound {
		return search.ErrUnknownKind
	}
	return nil
}

func isCode(err error, code meilisearch.APIErrCode) bool {
	var te *taskError
	return errors.As(err, &te) && te.api.Code == code
}

// ensureKnown checks once per kind that its index exists, so writes to an
// undeclared kind fail instead of Meilisearch creating an index with
// default settings.
func (x *Index) ensureKnown(ctx context.Context, kind string) error {
	x.mu.Lock()
	ok := x.known[kind]
	x.mu.Unlock()
	if ok {
		return nil
	}
	if _, err := x.sm.GetIndex(ctx, x.UID(kind)); err != nil {
		return apiErr(err)
	}
	x.mu.Lock()
	x.known[kind] = true
	x.mu.Unlock()
	return nil
}

// apiErr maps Meilisearch's index_not_found onto search.ErrUnknownKind.
func apiErr(err error) error {
	var me *meilisearch.Error
	if errors.As(err, &me) && me.APIError.Code == meilisearch.APIErrCodeIndexNotFound {
		return fmt.Errorf("%w (%w)", search.ErrUnknownKind, err)
	}
	return err
}

func decodeHit(h meilisearch.Hit) (search.Document, error) {
	d := make(search.Document, len(h))
	for k, raw := range h {
		if k == formattedKey || k == foldedKey {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("decode field %s: %w", k, err)
		}
		d[k] = v
	}
	id, _ := d["id"].(string)
	id, err := decodeID(id)
	if err != nil {
		return nil, err
	}
	d["id"] = id
	return d, nil
}
