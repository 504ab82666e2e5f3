package server

import (
	"fmt"
	"time"

	"guildhall/internal/community"
	"guildhall/internal/discovery"
	"guildhall/internal/work"
)

// searchJSON is one page of a search: cards of the kind type names.
type searchJSON struct {
	Type       string                    `json:"type"`
	Items      []searchItemJSON          `json:"items"`
	Facets     map[string]map[string]int `json:"facets"`
	Total      int                       `json:"total"`
	NextCursor *string                   `json:"next_cursor"`
}

// searchItemJSON is a search result: a workCardJSON, makerCardJSON,
// collectionCardJSON or threadCardJSON (apiUnions lists them for the
// OpenAPI document).
type searchItemJSON interface{ searchItem() }

func (workCardJSON) searchItem()       {}
func (makerCardJSON) searchItem()      {}
func (collectionCardJSON) searchItem() {}
func (threadCardJSON) searchItem()     {}

func searchItemOut(it any) searchItemJSON {
	switch v := it.(type) {
	case work.Card:
		return workCardOut(v)
	case discovery.MakerCard:
		return makerCardOut(v)
	case discovery.CollectionCard:
		return collectionCardOut(v)
	case community.ThreadCard:
		return threadCardOut(v)
	}
	panic(fmt.Sprintf("a search result of type %T has no API shape", it))
}

func searchOut(r *discovery.Result) searchJSON {
	return searchJSON{Type: r.Type, Items: listOut(r.Items, searchItemOut), Facets: r.Facets, Total: r.Total,
		NextCursor: r.NextCursor}
}

// makerCardJSON is a maker as search results and the discover page show it.
type makerCardJSON struct {
	Handle    string   `json:"handle"`
	Name      string   `json:"name"`
	URL       string   `json:"url"`
	AvatarURL string   `json:"avatar_url"`
	Location  string   `json:"location"`
	Crafts    []string `json:"crafts"`
	Followers int      `json:"followers"`
	Works     int      `json:"works"`
}

func makerCardOut(c discovery.MakerCard) makerCardJSON {
	return makerCardJSON{Handle: c.Handle, Name: c.Name, URL: c.URL, AvatarURL: c.AvatarURL, Location: c.Location,
		Crafts: c.Crafts, Followers: c.Followers, Works: c.Works}
}

// collectionCardJSON is a collection as lists show it.
type collectionCardJSON struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Cover     string `json:"cover"`
	OwnerName string `json:"owner_name"`
	Items     int    `json:"items"`
}

func collectionCardOut(c discovery.CollectionCard) collectionCardJSON {
	return collectionCardJSON{ID: c.ID, Title: c.Title, URL: c.URL, Cover: c.Cover, OwnerName: c.OwnerName, Items: c.Items}
}

type suggestionsJSON struct {
	Items []string `json:"items"`
}

type discoverJSON struct {
	Trending            []workCardJSON       `json:"trending"`
	New                 []workCardJSON       `json:"new"`
	RisingMakers        []makerCardJSON      `json:"rising_makers"`
	FeaturedCollections []collectionCardJSON `json:"featured_collections"`
	ActiveThreads       []threadCardJSON     `json:"active_threads"`
	ComputedAt          time.Time            `json:"computed_at"`
}

func discoverOut(d *discovery.Discover) discoverJSON {
	return discoverJSON{Trending: listOut(d.Trending, workCardOut), New: listOut(d.New, workCardOut),
		RisingMakers: listOut(d.RisingMakers, makerCardOut), FeaturedCollections: listOut(d.FeaturedCollections, collectionCardOut),
		ActiveThreads: listOut(d.ActiveThreads, threadCardOut), ComputedAt: d.ComputedAt}
}

// feedItemJSON is a work or a thread in someone's feed, as type says.
type feedItemJSON struct {
	Type   string          `json:"type"`
	Work   *workCardJSON   `json:"work,omitempty"`
	Thread *threadCardJSON `json:"thread,omitempty"`
	At     time.Time       `json:"at"`
}

func feedItemOut(it discovery.FeedItem) feedItemJSON {
	out := feedItemJSON{Type: it.Type, At: it.At}
	if it.Work != nil {
		w := workCardOut(*it.Work)
		out.Work = &w
	}
	if it.Thread != nil {
		t := threadCardOut(*it.Thread)
		out.Thread = &t
	}
	return out
}

type feedJSON struct {
	Items      []feedItemJSON `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

func feedOut(l *discovery.FeedList) feedJSON {
	return feedJSON{Items: listOut(l.Items, feedItemOut), NextCursor: l.NextCursor}
}
