package mongodb

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Command is one command a request sent, as the driver saw it.
type Command struct {
	Name       string
	Collection string
	Body       bson.Raw
}

// Recorder collects the commands sent with a context; tests use it to hold
// pages to their budget ("a few lookups by _id").
type Recorder struct {
	mu       sync.Mutex
	commands []Command
}

type recorderKey struct{}

// WithRecorder returns a context whose commands are recorded in r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// Commands returns what was recorded so far.
func (r *Recorder) Commands() []Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Command(nil), r.commands...)
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.commands = nil
	r.mu.Unlock()
}

// handshake and topology commands are the driver's, not the request's.
var driverCommands = map[string]bool{"hello": true, "isMaster": true, "ismaster": true, "saslStart": true, "saslContinue": true, "endSessions": true}

func newMonitor(onCommand func(string)) *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			if driverCommands[e.CommandName] {
				return
			}
			if onCommand != nil {
				onCommand(e.CommandName)
			}
			r, _ := ctx.Value(recorderKey{}).(*Recorder)
			if r == nil {
				return
			}
			coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
			c := Command{Name: e.CommandName, Collection: coll, Body: append(bson.Raw(nil), e.Command...)}
			r.mu.Lock()
			r.commands = append(r.commands, c)
			r.mu.Unlock()
		},
	}
}

// ByID reports whether the command touches documents only through a filter
// that is exactly {_id: <value>}: the only kind of read a page may send,
// and the only one embedded FerretDB answers by key.
func (c Command) ByID() bool {
	switch c.Name {
	case "find", "delete", "count":
		return filterByID(c.Body.Lookup("filter"))
	case "findAndModify":
		return filterByID(c.Body.Lookup("query"))
	case "update":
		return statementsByID(c.Body, "updates", "q")
	case "insert":
		return true
	}
	return false
}

func statementsByID(body bson.Raw, array, key string) bool {
	arr, ok := body.Lookup(array).ArrayOK()
	if !ok {
		return true // sent as a document sequence; the driver filters are ours
	}
	vals, _ := arr.Values()
	for _, v := range vals {
		doc, ok := v.DocumentOK()
		if !ok || !filterByID(doc.Lookup(key)) {
			return false
		}
	}
	return true
}

func filterByID(v bson.RawValue) bool {
	doc, ok := v.DocumentOK()
	if !ok {
		return false
	}
	// Only a filter that is exactly {_id: <value>} is a lookup by key on
	// embedded FerretDB: an operator ($in) or a second condition scans.
	elems, err := doc.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "_id" {
		return false
	}
	_, isDoc := elems[0].Value().DocumentOK()
	return !isDoc
}
