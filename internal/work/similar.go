package work

import (
	"sync"
	"time"
)

// Similar works are public (every card passed PublicFilter) and the same for
// every viewer, so one instance may keep them a short while without asking
// the others: a work edited on another instance changes its UpdatedAt, which
// is in the key, and a neighbour archived or taken down leaves the list
// within similarFor.
const (
	similarFor     = time.Minute
	similarEntries = 4096 // ~6 cards each: a few MiB at most
)

// similarCache keeps search answers for a while, bounded in entries.
type similarCache struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[string]similarEntry
}

type similarEntry struct {
	cards   []Card
	expires time.Time
}

func newSimilarCache(ttl time.Duration, max int) *similarCache {
	return &similarCache{ttl: ttl, max: max, entries: map[string]similarEntry{}}
}

func (c *similarCache) get(key string, now time.Time) ([]Card, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.cards, true
}

// put stores cards under key. Full, it first drops what has expired and,
// if that frees nothing, everything: a cold minute is cheaper than an LRU.
func (c *similarCache) put(key string, cards []Card, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[key] = similarEntry{cards: cards, expires: now.Add(c.ttl)}
}
