package notify

import "sync"

// broker wakes the live streams of this process. It carries no data, only
// "something changed, re-read": a stream that misses a signal loses
// nothing, and streams on other app instances are caught by their periodic
// re-read, so no shared bus is needed.
type broker struct {
	mu   sync.Mutex
	subs map[string]map[*subscriber]struct{}
}

type subscriber struct{ ch chan struct{} }

// Subscribe returns a channel that receives a signal whenever recipientID
// gets a notification or marks something read in this process, and a func
// that stops delivery. Signals never block the sender: the channel holds
// one, and further signals coalesce into it until it is received. The
// channel is not closed by cancel (a closed channel would read as an
// endless stream of signals).
func (s *Service) Subscribe(recipientID string) (<-chan struct{}, func()) {
	return s.broker.subscribe(recipientID)
}

func (b *broker) subscribe(userID string) (<-chan struct{}, func()) {
	sub := &subscriber{ch: make(chan struct{}, 1)}
	b.mu.Lock()
	if b.subs[userID] == nil {
		b.subs[userID] = map[*subscriber]struct{}{}
	}
	b.subs[userID][sub] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			delete(b.subs[userID], sub)
			if len(b.subs[userID]) == 0 {
				delete(b.subs, userID)
			}
		})
	}
}

func (b *broker) signal(userID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for sub := range b.subs[userID] {
		select {
		case sub.ch <- struct{}{}:
		default: // a signal is pending already: coalesce
		}
	}
}
