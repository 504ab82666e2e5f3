package work

import (
	"fmt"
	"testing"
	"time"
)

func TestSimilarCache_StaysWithinItsBound(t *testing.T) {
	c := newSimilarCache(time.Minute, 3)
	now := time.Now()
	for i := range 10 {
		c.put(fmt.Sprint(i), []Card{{ID: fmt.Sprint(i)}}, now)
		if len(c.entries) > 3 {
			t.Fatalf("after %d puts the cache holds %d entries, bound 3", i+1, len(c.entries))
		}
	}
	if cards, ok := c.get("9", now); !ok || cards[0].ID != "9" {
		t.Fatalf("the newest entry is gone: %v %v", cards, ok)
	}
	c.put("a", nil, now.Add(-2*time.Minute)) // expired on arrival: the first to go
	c.put("b", nil, now)
	if _, ok := c.get("a", now); ok {
		t.Fatal("an expired entry was served")
	}
}
