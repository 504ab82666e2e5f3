// Package app is the composition root: it opens the backing services the
// configuration names (or their embedded defaults), builds the features on
// them and the HTTP server on the features. cmd/guildhall and the test rig
// both start Guildhall through it, so tests run the wiring users run.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"guildhall/internal/account"
	"guildhall/internal/commerce"
	"guildhall/internal/community"
	"guildhall/internal/config"
	"guildhall/internal/curation"
	"guildhall/internal/discovery"
	"guildhall/internal/maker"
	"guildhall/internal/markdown"
	"guildhall/internal/media"
	"guildhall/internal/moderation"
	"guildhall/internal/notify"
	"guildhall/internal/payment"
	"guildhall/internal/payment/stripe"
	"guildhall/internal/platform/blob"
	fsblob "guildhall/internal/platform/blob/fs"
	s3blob "guildhall/internal/platform/blob/s3"
	"guildhall/internal/platform/imaging"
	"guildhall/internal/platform/indexqueue"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	blevesearch "guildhall/internal/platform/search/bleve"
	"guildhall/internal/platform/search/fold"
	"guildhall/internal/platform/search/meili"
	"guildhall/internal/platform/search/vocab"
	"guildhall/internal/ratelimit"
	"guildhall/internal/server"
	"guildhall/internal/work"
	"guildhall/web"
)

// Options are knobs for tests and tools that are not user configuration.
type Options struct {
	Argon2 account.Argon2Params // zero: the production default
	// Card replaces the card payment provider the configuration names
	// (tests use a fake one); nil keeps it.
	Card payment.Provider
	// Now is commerce's clock (expiry, auto-receive, repairs); nil: the
	// real one. Tests move it instead of sleeping.
	Now func() time.Time
}

// App is a running Guildhall.
type App struct {
	Config     config.Config
	Logger     *slog.Logger
	DB         *mongodb.DB
	Index      search.Index
	Blob       blob.Store
	Queue      *indexqueue.Queue
	Limiter    *ratelimit.Limiter
	Accounts   *account.Service
	Media      *media.Service
	Makers     *maker.Service
	Works      *work.Service
	Curation   *curation.Service
	Community  *community.Service
	Notify     *notify.Service
	Moderation *moderation.Service
	Discovery  *discovery.Service
	Commerce   *commerce.Service
	Registry   *prometheus.Registry
	Handler    *echo.Echo

	// Payments offer offline payment always, and card payment when Stripe
	// is configured.
	Payments payment.Methods

	schemas  []search.Schema
	schemaMu sync.Mutex
	ready    bool // every schema declared in the index
}

// Open starts everything cfg names. On error, what was opened is closed.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger, o Options) (_ *App, err error) {
	a := &App{Config: cfg, Logger: logger, Registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			_ = a.Close(context.Background())
		}
	}()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mongoCommands := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "guildhall_mongo_commands_total", Help: "MongoDB commands sent, by command name.",
	}, []string{"command"})
	a.Registry.MustRegister(mongoCommands)

	a.DB, err = mongodb.Open(ctx, mongodb.Options{
		URI: cfg.MongoURI, Database: cfg.MongoDB, DataDir: cfg.DataDir, Timeout: cfg.ServiceTimeout,
		Logger: logger, OnCommand: func(name string) { mongoCommands.WithLabelValues(name).Inc() },
	})
	if err != nil {
		return nil, err
	}
	if err := a.DB.EnsureIndexes(ctx, slices.Concat(account.Indexes, indexqueue.Indexes, ratelimit.Indexes, media.Indexes,
		notify.Indexes, moderation.Indexes, commerce.Indexes)); err != nil {
		return nil, err
	}
	if a.Index, err = openIndex(cfg); err != nil {
		return nil, err
	}
	a.Index = search.Recorded(a.Index)
	if a.Blob, err = openBlob(cfg); err != nil {
		return nil, err
	}
	if a.Payments, err = openPayments(cfg); err != nil {
		return nil, err
	}
	if o.Card != nil {
		a.Payments.Card = o.Card
	}
	a.Queue = indexqueue.New(a.DB.Database, a.Index, indexqueue.Options{Logger: logger, SignalsEvery: cfg.IndexSignalsEvery})
	a.Limiter = ratelimit.New(a.DB.Database, cfg.RateLimit)
	// Signed redirects only where browsers can reach the bucket; otherwise
	// the app proxies images from S3.
	_, onS3 := a.Blob.(*s3blob.Store)
	redirect := onS3 && cfg.S3PublicEndpoint != ""
	a.Media = media.New(a.DB.Database, media.Deps{Store: a.Blob, Limiter: a.Limiter}, media.Options{
		Limits:   imaging.Limits{MaxBytes: cfg.MediaMaxBytes, MaxPixels: cfg.MediaMaxPixels},
		Redirect: redirect, Logger: logger, Rate: media.Rate(cfg.UploadPerUser),
	})
	accountDeps := account.Deps{Images: a.Media, Index: a.Queue, Limiter: a.Limiter}
	if m, err := openMail(cfg); err != nil {
		return nil, err
	} else if m != nil {
		accountDeps.Mailer = m
	}
	a.Accounts = account.New(a.DB.Database, accountDeps, account.Options{
		Argon2: o.Argon2, Logger: logger, BaseURL: cfg.BaseURL, SessionIdle: cfg.SessionIdle,
		Limits: account.Limits{
			SignInPerIP: account.Rate(cfg.SignInPerIP),
			SignUpPerIP: account.Rate(cfg.SignUpPerIP),
			ResetPerIP:  account.Rate(cfg.ResetPerIP),
			SignInFailures: ratelimit.Backoff{Free: cfg.SignInPerUser.Limit, First: 2 * time.Second,
				Max: cfg.SignInPerUser.Window},
		},
	})
	md := markdown.New()
	// Notifications and moderation ask community who may read what, and
	// community notifies and reports; a maker's page lists works, which
	// carry their maker's face; a work's page offers the viewer's
	// collections, which hold works: the late-bound adapters break these
	// cycles at construction only.
	a.Notify = notify.New(a.DB.Database, notify.Deps{Counter: a.Accounts, Access: groupAccess{a}}, notify.Options{Logger: logger})
	a.Makers = maker.New(a.DB.Database, maker.Deps{Accounts: a.Accounts, Media: a.Media, Queue: a.Queue,
		Notifier: a.Notify, Markdown: md, Works: makerWorks{a}}, maker.Options{Logger: logger})
	a.Works = work.New(a.DB.Database, work.Deps{Makers: a.Makers, Lists: savingLists{a}, Media: a.Media, Index: a.Index,
		Queue: a.Queue, Markdown: md}, work.Options{Logger: logger})
	a.Curation = curation.New(a.DB.Database, curation.Deps{Works: a.Works, Media: a.Media, Index: a.Index, Queue: a.Queue},
		curation.Options{Logger: logger})
	a.Moderation = moderation.New(a.DB.Database, moderation.Deps{Index: a.Index, Queue: a.Queue, Targets: reportTargets{a},
		Moderators: groupModerators{a}}, moderation.Options{Logger: logger})
	a.Community = community.New(a.DB.Database, community.Deps{Accounts: a.Accounts, Makers: a.Makers, Works: a.Works,
		Media: a.Media, Index: a.Index, Queue: a.Queue, Notifier: a.Notify, Moderation: a.Moderation,
		Limiter: a.Limiter, Markdown: md}, community.Options{Logger: logger,
		PostRate:           community.Rate{Limit: cfg.PostPerUser.Limit, Window: cfg.PostPerUser.Window},
		NewAccountPostRate: community.Rate{Limit: cfg.PostPerNew.Limit, Window: cfg.PostPerNew.Window}})
	if err := a.Community.Migrate(ctx); err != nil {
		return nil, err
	}
	a.Discovery = discovery.New(a.DB.Database, discovery.Deps{Index: a.Index, Threads: a.Community, Works: a.Works, Makers: a.Makers})
	a.Commerce = commerce.New(a.DB.Database, commerce.Deps{Carts: a.Accounts, Works: a.Works, Makers: a.Makers, Images: a.Media,
		Index: a.Index, Queue: a.Queue, Notifier: a.Notify, Offline: a.Payments.Offline, Card: a.Payments.Card}, commerce.Options{
		UnpaidExpiryOffline: cfg.UnpaidExpiryOffline, UnpaidExpiryCard: cfg.UnpaidExpiryCard,
		AutoReceiveAfter: cfg.AutoReceiveAfter, ProtectionDays: cfg.ProtectionDays,
		// No request can still be at work on a checkout or a transition
		// ten request timeouts after it began.
		RepairAfter: 10 * cfg.RequestTimeout, CheckoutSlots: checkoutSlots(a.DB), Now: o.Now, Logger: logger})
	a.subscribe()
	a.schemas = slices.Concat([]search.Schema{account.SearchSchema, maker.SearchSchema, work.SearchSchema,
		curation.SearchSchema, community.ThreadsSchema, community.MembersSchema, commerce.OrdersSchema}, moderation.SearchSchemas)
	if err := a.ensureSchemas(ctx); err != nil {
		// Search may come up after us; writes queue intents meanwhile and
		// the worker keeps trying to declare the schemas.
		logger.WarnContext(ctx, "search index not ready at start", "err", err)
	}
	a.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "guildhall_index_queue_depth", Help: "Search index intents not yet applied.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		n, err := a.Queue.Depth(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	a.Handler, err = server.New(server.Deps{
		Config: cfg, Logger: logger, Accounts: a.Accounts, Registry: a.Registry,
		Makers: a.Makers, Works: a.Works, Media: a.Media, Search: a.Discovery, Curation: a.Curation,
		Community: a.Community, Notify: a.Notify, Moderation: a.Moderation, Commerce: a.Commerce, Payments: a.Payments,
		Checks: []server.Check{
			{Name: "mongodb", Ping: a.DB.Ping},
			{Name: "search", Ping: a.Index.Ping},
			{Name: "storage", Ping: a.Blob.Ping},
		},
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// subscribe wires every feature's interest in another's changes, here and
// nowhere else: collections keep the faces of the works they hold, and the
// discover page drops a thread that left public view at once.
func (a *App) subscribe() {
	a.Works.OnChange(a.Curation.RefreshWork)
	a.Community.OnPublicChange(a.Discovery.Invalidate)
}

// openIndex opens the search engine with the shoppers' vocabulary
// (web/locales/vocabulary.json), and loads the traditional-to-simplified
// table now so that no shopper's first search waits for it.
func openIndex(cfg config.Config) (search.Index, error) {
	words, err := vocab.Load(web.Locales(), "vocabulary.json")
	if err != nil {
		return nil, err
	}
	fold.Load()
	if cfg.MeiliURL != "" {
		return meili.New(cfg.MeiliURL, cfg.MeiliKey, meili.WithTimeout(cfg.ServiceTimeout), meili.WithVocabulary(words))
	}
	return blevesearch.Open(filepath.Join(cfg.DataDir, "search"), blevesearch.WithVocabulary(words))
}

func openBlob(cfg config.Config) (blob.Store, error) {
	if cfg.S3Endpoint != "" {
		// Open does not dial: S3 may be down now and up later; /readyz tells.
		return s3blob.Open(s3blob.Config{Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket,
			AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Region: cfg.S3Region, UseTLS: cfg.S3TLS,
			PublicEndpoint: cfg.S3PublicEndpoint})
	}
	return fsblob.New(filepath.Join(cfg.DataDir, "blobs"), "/media")
}

func openPayments(cfg config.Config) (payment.Methods, error) {
	m := payment.Methods{Offline: payment.Offline{}}
	if !cfg.Stripe() {
		return m, nil
	}
	// New does not dial: Stripe being down fails payments, not the start.
	s, err := stripe.New(stripe.Config{SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret,
		APIURL: cfg.StripeAPIURL, PublishableKey: cfg.StripePublishableKey, Timeout: cfg.ServiceTimeout})
	if err != nil {
		return m, err
	}
	m.Card, m.CardWebhooks, m.CardPublicKey = s, s, s.PublishableKey()
	return m, nil
}

func (a *App) ensureSchemas(ctx context.Context) error {
	a.schemaMu.Lock()
	defer a.schemaMu.Unlock()
	if a.ready {
		return nil
	}
	for _, s := range a.schemas {
		if err := a.Index.EnsureSchema(ctx, s); err != nil {
			return fmt.Errorf("declare search schema %s: %w", s.Kind, err)
		}
	}
	if s3, ok := a.Blob.(*s3blob.Store); ok {
		if err := s3.EnsureBucket(ctx); err != nil {
			return fmt.Errorf("create bucket: %w", err)
		}
	}
	a.ready = true
	return nil
}

// RunWorkers runs the background jobs until ctx ends: the index queue
// worker, the cleaner of unattached uploads, the rate-limit sweeper, the
// commerce jobs (expiry, auto-receive, completion, repairs, the checkout
// sweeper), and
// the schema declaration if search was down at start.
func (a *App) RunWorkers(ctx context.Context) {
	var wg sync.WaitGroup
	jobs := []struct {
		name     string
		interval time.Duration
		run      func(context.Context) error
	}{
		{"index collection keys", 10 * time.Second, count(a.DB.IndexKeys)},
		{"refresh discover page", time.Minute, func(ctx context.Context) error { _, err := a.Discovery.Refresh(ctx); return err }},
		{"clean unattached media", time.Hour, count(a.Media.Clean)},
		{"sweep rate limits", 10 * time.Minute, a.Limiter.Sweep},
		{"sweep password resets", time.Hour, count(a.Accounts.SweepResets)},
		{"expire unpaid orders", time.Minute, count(a.Commerce.ExpireUnpaid)},
		{"receive shipped orders", 10 * time.Minute, count(a.Commerce.AutoReceive)},
		{"complete delivered orders", time.Hour, count(a.Commerce.Complete)},
		{"repair checkouts", time.Minute, count(a.Commerce.RepairCheckouts)},
		{"repair order events", time.Minute, count(a.Commerce.RepairEvents)},
		{"sweep checkouts", time.Hour, count(a.Commerce.SweepCheckouts)},
	}
	wg.Add(2 + len(jobs))
	go func() { defer wg.Done(); a.Queue.Run(ctx) }()
	// Collections that exist already get their key index at once, not a
	// period later (see mongodb.DB.IndexKeys).
	if _, err := a.DB.IndexKeys(ctx); err != nil {
		a.Logger.WarnContext(ctx, "index collection keys", "err", err)
	}
	for _, j := range jobs {
		go func() { defer wg.Done(); every(ctx, j.interval, j.name, j.run, a.Logger) }()
	}
	go func() {
		defer wg.Done()
		for wait := time.Second; ; wait = min(wait*2, time.Minute) {
			if err := a.ensureSchemas(ctx); err == nil || ctx.Err() != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}()
	wg.Wait()
}

// Close flushes and closes the index, then the database (stopping embedded
// FerretDB). It is safe on a partly opened App.
func (a *App) Close(ctx context.Context) error {
	var errs []error
	if a.Queue != nil {
		// Signals waiting for their batch go now. A failure is logged
		// and their intents stay for the worker, so closing goes on.
		_ = a.Queue.Flush(ctx)
	}
	if a.Index != nil {
		errs = append(errs, a.Index.Close())
	}
	if a.DB != nil {
		errs = append(errs, a.DB.Close(ctx))
	}
	return errors.Join(errs...)
}

// checkoutSlots is how many checkouts may work at once: FerretDB runs
// one command at a time, so a few keep each one's wait short; MongoDB
// serves many.
func checkoutSlots(db *mongodb.DB) int {
	if db.FerretDB {
		return 8
	}
	return 64
}

// count adapts a job that reports how much it did.
func count(job func(context.Context) (int, error)) func(context.Context) error {
	return func(ctx context.Context) error { _, err := job(ctx); return err }
}

// every runs job each interval until ctx ends, logging its failures.
func every(ctx context.Context, interval time.Duration, name string, job func(context.Context) error, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, name, "err", err)
			}
		}
	}
}
