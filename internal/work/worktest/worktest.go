// Package worktest runs the work feature and what it stands on (accounts,
// media, makers) on the real parts: embedded FerretDB, a Bleve index in a
// temp dir and the index queue, fresh for each test. The tests of work
// and of the features built on works (maker pages, curation, community)
// start from it.
package worktest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"guildhall/internal/account"
	"guildhall/internal/maker"
	"guildhall/internal/markdown"
	"guildhall/internal/media"
	"guildhall/internal/notify"
	fsblob "guildhall/internal/platform/blob/fs"
	"guildhall/internal/platform/indexqueue"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/platform/search"
	blevesearch "guildhall/internal/platform/search/bleve"
	"guildhall/internal/ratelimit"
	"guildhall/internal/work"
)

// Env is one test's store, index and services.
type Env struct {
	DB       *mongodb.DB
	Index    search.Index
	Queue    *indexqueue.Queue
	Media    *media.Service
	Limiter  *ratelimit.Limiter
	Markdown *markdown.Renderer
	Accounts *account.Service
	Makers   *maker.Service
	Works    *work.Service
	Notes    *Notes // what makers' follows notified
	Log      *slog.Logger
}

// cheap keeps sign-ups fast; the password rules are account's to test.
var cheap = account.Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// MustOpen starts a fresh Env, closed when the test ends. A work's page
// offers no collections to save to: curation is not part of it.
func MustOpen(tb testing.TB) *Env {
	tb.Helper()
	db := mongodbtest.MustOpen(tb)
	ix, err := blevesearch.Open(tb.TempDir())
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	tb.Cleanup(func() { _ = ix.Close() })
	store, err := fsblob.New(tb.TempDir(), "/media")
	if err != nil {
		tb.Fatalf("open blob folder: %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	e := &Env{DB: db, Index: ix, Queue: indexqueue.New(db.Database, ix, indexqueue.Options{Logger: log}),
		Limiter: ratelimit.New(db.Database, true), Markdown: markdown.New(), Notes: &Notes{}, Log: log}
	e.EnsureSchemas(tb, account.SearchSchema, maker.SearchSchema, work.SearchSchema)
	e.Media = media.New(db.Database, media.Deps{Store: store}, media.Options{Logger: log})
	e.Accounts = account.New(db.Database, account.Deps{Images: e.Media, Index: e.Queue, Limiter: e.Limiter},
		account.Options{Argon2: cheap, Logger: log})
	// Makers list works and works carry their maker's face: the works are
	// handed to makers once they exist, as the app does.
	works := &lateWorks{}
	e.Makers = maker.New(db.Database, maker.Deps{Accounts: e.Accounts, Media: e.Media, Queue: e.Queue,
		Notifier: e.Notes, Markdown: e.Markdown, Works: works}, maker.Options{Logger: log})
	e.Works = work.New(db.Database, work.Deps{Makers: e.Makers, Lists: noLists{}, Media: e.Media, Index: ix,
		Queue: e.Queue, Markdown: e.Markdown}, work.Options{Logger: log})
	works.Service = e.Works
	return e
}

// EnsureSchemas declares search indexes in the Env's index.
func (e *Env) EnsureSchemas(tb testing.TB, schemas ...search.Schema) {
	tb.Helper()
	for _, s := range schemas {
		if err := e.Index.EnsureSchema(context.Background(), s); err != nil {
			tb.Fatalf("declare schema %s: %v", s.Kind, err)
		}
	}
}

type lateWorks struct{ *work.Service }

type noLists struct{}

func (noLists) ListsOf(context.Context, *account.User) ([]work.ListRef, error) { return nil, nil }

// User signs up a user with handle.
func (e *Env) User(tb testing.TB, handle string) *account.User {
	tb.Helper()
	u, _, err := e.Accounts.SignUp(context.Background(), account.SignUp{Email: handle + "@example.com",
		Password: "a long enough password", Handle: handle, DisplayName: "Name " + handle}, "192.0.2.1")
	if err != nil {
		tb.Fatalf("sign up %s: %v", handle, err)
	}
	return u
}

// Maker signs up a user with handle who opens a studio, and returns them
// as they are now (a maker).
func (e *Env) Maker(tb testing.TB, handle string) *account.User {
	tb.Helper()
	u := e.User(tb, handle)
	if _, err := e.Makers.PutStudio(context.Background(), u, maker.StudioInput{Name: "Studio " + handle}); err != nil {
		tb.Fatalf("open studio of %s: %v", handle, err)
	}
	return e.Reread(tb, u)
}

// Admin signs up a user with handle who is an admin.
func (e *Env) Admin(tb testing.TB, handle string) *account.User {
	tb.Helper()
	u, err := e.Accounts.GrantRole(context.Background(), e.User(tb, handle).ID, account.RoleAdmin)
	if err != nil {
		tb.Fatalf("make %s an admin: %v", handle, err)
	}
	return u
}

// Reread returns u as stored now (roles, mutes).
func (e *Env) Reread(tb testing.TB, u *account.User) *account.User {
	tb.Helper()
	now, err := e.Accounts.ByHandle(context.Background(), u.Handle)
	if err != nil {
		tb.Fatalf("read %s: %v", u.Handle, err)
	}
	return now
}

// Work creates a work of maker m, published when published is true.
func (e *Env) Work(tb testing.TB, m *account.User, title string, priceFen int64, published bool) *work.Work {
	tb.Helper()
	status := work.StatusDraft
	if published {
		status = work.StatusPublished
	}
	category := "ceramics"
	w, err := e.Works.Create(context.Background(), m, work.Input{Title: &title,
		Price: &work.Money{Amount: priceFen, Currency: "CNY"}, Category: &category, Status: &status})
	if err != nil {
		tb.Fatalf("create work %q: %v", title, err)
	}
	return w
}

// Notes records notifications instead of delivering them.
type Notes struct {
	mu   sync.Mutex
	sent []Note
}

// Note is one notification as it was sent.
type Note struct {
	To, Key string
	notify.Notification
}

// Notify records n for recipientID.
func (n *Notes) Notify(_ context.Context, recipientID, key string, note notify.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, Note{To: recipientID, Key: key, Notification: note})
	return nil
}

// To returns the notifications sent to recipientID, in order.
func (n *Notes) To(recipientID string) []Note {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []Note
	for _, s := range n.sent {
		if s.To == recipientID {
			out = append(out, s)
		}
	}
	return out
}

// String lists every notification sent, for failure messages.
func (n *Notes) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return fmt.Sprint(n.sent)
}
