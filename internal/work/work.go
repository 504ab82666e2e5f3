// Package work is makers' works: creating, editing and publishing them,
// their pages, favourites, and the lists of a maker's works (from search).
package work

import (
	"context"
	"html/template"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/account"
	"guildhall/internal/markdown"
	"guildhall/internal/media"
	"guildhall/internal/platform/search"
	"guildhall/internal/ranking"
)

// Collections owned by this feature.
const (
	Collection           = "works"
	FavouritesCollection = "favourites"
	SearchKind           = "works"
)

// Statuses of a work. Only published works are visible to anyone but
// their maker, in pages, the API and search.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// SearchSchema declares the works index. It holds every work with its
// status; every query for people other than the owner goes through
// PublicFilter, the one place that keeps drafts and archives out.
var SearchSchema = search.Schema{
	Kind:         SearchKind,
	Searchable:   []string{"title", "tags", "materials", "maker_name", "description", "category_names"},
	Filterable:   []string{"id", "maker_id", "status", "category", "tags", "materials", "in_stock", "made_to_order", "price", "currency", "maker_location"},
	Sortable:     []string{"published_at", "updated_at", "favorites", "price", "created_at", "hot"},
	RankingRules: []string{"sort", "words", "typo", "proximity", "attribute", "exactness"},
}

// Money is an amount in minor units (fen, cents).
type Money struct {
	Amount   int64  `bson:"amount"`
	Currency string `bson:"currency"`
}

// Image is one picture of a work, with its variant URLs (Extended Reference).
type Image struct {
	MediaID string `bson:"media_id"`
	Thumb   string `bson:"thumb"`
	Medium  string `bson:"medium"`
	Large   string `bson:"large"`
	Width   int    `bson:"width"`
	Height  int    `bson:"height"`
}

// Variant is an option of a work (a size, a colour) with its own price.
// Options draw on the work's one stock count; documents written before
// that still carry a per-option "stock", which is ignored.
type Variant struct {
	ID    string `bson:"id"`
	Name  string `bson:"name"`
	Price Money  `bson:"price"`
}

// MakerRef is what a work shows of its maker (Extended Reference).
type MakerRef struct {
	ID        string `bson:"id"`
	Handle    string `bson:"handle"`
	Name      string `bson:"name"`
	AvatarURL string `bson:"avatar_url"`
	Location  string `bson:"location"`
}

// Counts are kept with $inc as signals arrive.
type Counts struct {
	Favorites int `bson:"favorites"`
	Saves     int `bson:"saves"`
	Threads   int `bson:"threads"`
	Sales     int `bson:"sales"`
}

// Work is a handmade piece a maker offers.
type Work struct {
	ID              string        `bson:"_id"`
	Maker           MakerRef      `bson:"maker"`
	Title           string        `bson:"title"`
	Slug            string        `bson:"slug"`
	Description     string        `bson:"description"`
	DescriptionHTML template.HTML `bson:"description_html"`
	Price           Money         `bson:"price"`
	Stock           int           `bson:"stock"`
	// Holds records, atomically with each decrement of Stock, how many
	// units each unshipped order holds (order id -> units): what makes
	// giving stock back exact, and once. See stock.go.
	Holds        map[string]int `bson:"holds,omitempty"`
	MadeToOrder  bool           `bson:"made_to_order"`
	LeadTimeDays int            `bson:"lead_time_days"`
	Materials    []string       `bson:"materials"`
	Tags         []string       `bson:"tags"`
	Category     string         `bson:"category"`
	Images       []Image        `bson:"images"`
	Variants     []Variant      `bson:"variants"`
	Status       string         `bson:"status"`
	Counts       Counts         `bson:"counts"`
	CreatedAt    time.Time      `bson:"created_at"`
	UpdatedAt    time.Time      `bson:"updated_at"`
	PublishedAt  *time.Time     `bson:"published_at,omitempty"`
}

// Published reports whether people other than its maker may see the work.
func (w *Work) Published() bool { return w.Status == StatusPublished }

// InStock reports whether the work can be bought now.
func (w *Work) InStock() bool {
	if w.MadeToOrder {
		return true
	}
	return w.Stock > 0
}

// Option returns the work's option with id; "" is the work itself.
func (w *Work) Option(id string) (Variant, bool) {
	if id == "" {
		return Variant{Name: "", Price: w.Price}, true
	}
	for _, v := range w.Variants {
		if v.ID == id {
			return v, true
		}
	}
	return Variant{}, false
}

// Cover returns the first image, if any.
func (w *Work) Cover() (Image, bool) {
	if len(w.Images) == 0 {
		return Image{}, false
	}
	return w.Images[0], true
}

// Path is the work's page.
func (w *Work) Path() string { return "/works/" + w.ID + "/" + w.Slug }

func (w *Work) searchDocument(text string) search.Document {
	d := search.Document{
		"id": w.ID, "maker_id": w.Maker.ID, "maker_handle": w.Maker.Handle, "maker_name": w.Maker.Name,
		"maker_location": w.Maker.Location,
		"title":          w.Title, "slug": w.Slug, "description": text,
		"materials": append([]string{}, w.Materials...), "tags": append([]string{}, w.Tags...),
		"category": w.Category, "price": w.Price.Amount, "currency": w.Price.Currency,
		"in_stock": w.InStock(), "made_to_order": w.MadeToOrder, "status": w.Status,
		"favorites": w.Counts.Favorites, "created_at": search.Seconds(w.CreatedAt), "updated_at": search.Seconds(w.UpdatedAt),
		"published_at": 0.0, "image": "", "image_medium": "",
	}
	born := w.CreatedAt
	if w.PublishedAt != nil {
		d["published_at"] = search.Seconds(*w.PublishedAt)
		born = *w.PublishedAt
	}
	// The category's names in both languages, so 陶瓷 and ceramics find
	// every ceramic work whatever its maker wrote.
	if c, ok := CategoryByID(w.Category); ok {
		d["category_names"] = []string{c.En, c.Zh}
	}
	d["hot"] = ranking.Hot(ranking.Signals{Favourites: w.Counts.Favorites, Saves: w.Counts.Saves,
		Threads: w.Counts.Threads, Purchases: w.Counts.Sales}, born)
	if img, ok := w.Cover(); ok {
		d["image"], d["image_medium"] = img.Thumb, img.Medium
	}
	// Stored for the cart, which shows options' prices from one search.
	options := make([]map[string]any, 0, len(w.Variants))
	for _, v := range w.Variants {
		options = append(options, map[string]any{"id": v.ID, "name": v.Name, "price": v.Price.Amount})
	}
	d["options"] = options
	return d
}

// SearchDocumentOf is the works index document of w, with descriptionText
// its description as plain text; the same document the app indexes, for
// tests of search outside this package.
func SearchDocumentOf(w *Work, descriptionText string) search.Document {
	return w.searchDocument(descriptionText)
}

// Makers is what works need of makers' studios: the face a work carries
// (Extended Reference) and the count of a maker's published works. The
// app answers it from the maker feature, which builds on this one to show
// a maker's works.
type Makers interface {
	MakerRef(ctx context.Context, makerID string) (MakerRef, error)
	AddWorks(ctx context.Context, makerID string, delta int) error
}

// ListRef names one of a viewer's collections, which a work's page offers
// to save the work to.
type ListRef struct {
	ID    string
	Title string
}

// Lists tells a work's page the viewer's collections. The app answers it
// from the curation feature, which builds on this one.
type Lists interface {
	ListsOf(ctx context.Context, u *account.User) ([]ListRef, error)
}

// Deps are what works build on.
type Deps struct {
	Makers   Makers
	Lists    Lists
	Media    *media.Service
	Index    search.Index
	Queue    search.Indexer
	Markdown *markdown.Renderer
}

// Options configure the service.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // nil: time.Now
}

// Service implements works.
type Service struct {
	works, favourites *mongo.Collection
	makers            Makers
	lists             Lists
	media             *media.Service
	index             search.Index
	queue             search.Indexer
	md                *markdown.Renderer
	log               *slog.Logger
	now               func() time.Time
	similar           *similarCache
	listeners         []func(ctx context.Context, w *Work, gone bool) error
}

// New returns the works service.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{works: db.Collection(Collection), favourites: db.Collection(FavouritesCollection),
		makers: d.Makers, lists: d.Lists, media: d.Media, index: d.Index, queue: d.Queue, md: d.Markdown, log: o.Logger, now: o.Now,
		similar: newSimilarCache(similarFor, similarEntries)}
	d.Queue.Register(SearchKind, Collection, s.projectWork)
	return s
}

var nonSlug = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// Slugify makes a readable URL part from a title; Chinese stays Chinese.
func Slugify(title string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(title), "-"), "-")
	runes := []rune(s)
	if len(runes) > 60 {
		s = strings.TrimRightFunc(string(runes[:60]), func(r rune) bool { return r == '-' || unicode.IsSpace(r) })
	}
	if s == "" {
		return "work"
	}
	return s
}
