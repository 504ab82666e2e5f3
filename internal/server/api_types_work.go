package server

import (
	"time"

	"guildhall/internal/work"
)

type moneyJSON struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func moneyOut(m work.Money) moneyJSON { return moneyJSON{Amount: m.Amount, Currency: m.Currency} }

func (m moneyJSON) money() work.Money { return work.Money{Amount: m.Amount, Currency: m.Currency} }

// optionalMoney is m as money, nil when the field was left out.
func optionalMoney(m *moneyJSON) *work.Money {
	if m == nil {
		return nil
	}
	v := m.money()
	return &v
}

type workImageJSON struct {
	MediaID string `json:"media_id"`
	Thumb   string `json:"thumb"`
	Medium  string `json:"medium"`
	Large   string `json:"large"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
}

func workImageOut(i work.Image) workImageJSON {
	return workImageJSON{MediaID: i.MediaID, Thumb: i.Thumb, Medium: i.Medium, Large: i.Large, Width: i.Width, Height: i.Height}
}

type variantJSON struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Price moneyJSON `json:"price"`
}

func variantOut(v work.Variant) variantJSON {
	return variantJSON{ID: v.ID, Name: v.Name, Price: moneyOut(v.Price)}
}

type makerRefJSON struct {
	ID        string `json:"id"`
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
	Location  string `json:"location"`
}

type workCountsJSON struct {
	Favorites int `json:"favorites"`
	Saves     int `json:"saves"`
	Threads   int `json:"threads"`
	Sales     int `json:"sales"`
}

type workJSON struct {
	ID              string          `json:"id"`
	Title           string          `json:"title"`
	Slug            string          `json:"slug"`
	URL             string          `json:"url"`
	Description     string          `json:"description"`
	DescriptionHTML string          `json:"description_html"`
	Price           moneyJSON       `json:"price"`
	Stock           int             `json:"stock"`
	MadeToOrder     bool            `json:"made_to_order"`
	LeadTimeDays    int             `json:"lead_time_days"`
	InStock         bool            `json:"in_stock"`
	Materials       []string        `json:"materials"`
	Tags            []string        `json:"tags"`
	Category        string          `json:"category"`
	Images          []workImageJSON `json:"images"`
	Variants        []variantJSON   `json:"variants"`
	Status          string          `json:"status"`
	Maker           makerRefJSON    `json:"maker"`
	Counts          workCountsJSON  `json:"counts"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	PublishedAt     *time.Time      `json:"published_at"`
}

func workOut(w *work.Work) workJSON {
	m, n := w.Maker, w.Counts
	return workJSON{ID: w.ID, Title: w.Title, Slug: w.Slug, URL: w.Path(), Description: w.Description,
		DescriptionHTML: string(w.DescriptionHTML), Price: moneyOut(w.Price), Stock: w.Stock, MadeToOrder: w.MadeToOrder,
		LeadTimeDays: w.LeadTimeDays, InStock: w.InStock(), Materials: w.Materials, Tags: w.Tags, Category: w.Category,
		Images: listOut(w.Images, workImageOut), Variants: listOut(w.Variants, variantOut), Status: w.Status,
		Maker:     makerRefJSON{ID: m.ID, Handle: m.Handle, Name: m.Name, AvatarURL: m.AvatarURL, Location: m.Location},
		Counts:    workCountsJSON{Favorites: n.Favorites, Saves: n.Saves, Threads: n.Threads, Sales: n.Sales},
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt, PublishedAt: w.PublishedAt}
}

type workResponse struct {
	Work workJSON `json:"work"`
}

// workCardJSON is a work as lists show it.
type workCardJSON struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	URL         string            `json:"url"`
	Image       string            `json:"image"`
	Price       moneyJSON         `json:"price"`
	InStock     bool              `json:"in_stock"`
	MadeToOrder bool              `json:"made_to_order"`
	Status      string            `json:"status"`
	Favorites   int               `json:"favorites"`
	MakerHandle string            `json:"maker_handle"`
	MakerName   string            `json:"maker_name"`
	PublishedAt time.Time         `json:"published_at"`
	Highlights  map[string]string `json:"highlights,omitempty"`
}

func workCardOut(c work.Card) workCardJSON {
	return workCardJSON{ID: c.ID, Title: c.Title, URL: c.URL, Image: c.Image, Price: moneyOut(c.Price), InStock: c.InStock,
		MadeToOrder: c.MadeToOrder, Status: c.Status, Favorites: c.Favorites, MakerHandle: c.MakerHandle,
		MakerName: c.MakerName, PublishedAt: c.PublishedAt, Highlights: c.Highlights}
}

// workInputJSON creates a work (POST) or changes one (PATCH: absent
// fields stay).
type workInputJSON struct {
	Title        *string             `json:"title"`
	Description  *string             `json:"description"`
	Price        *moneyJSON          `json:"price"`
	Stock        *int                `json:"stock"`
	MadeToOrder  *bool               `json:"made_to_order"`
	LeadTimeDays *int                `json:"lead_time_days"`
	Materials    *[]string           `json:"materials"`
	Tags         *[]string           `json:"tags"`
	Category     *string             `json:"category"`
	MediaIDs     *[]string           `json:"media_ids"`
	Variants     *[]variantInputJSON `json:"variants"`
	Status       *string             `json:"status"`
}

type variantInputJSON struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Price moneyJSON `json:"price"`
}

func (in workInputJSON) input() work.Input {
	out := work.Input{Title: in.Title, Description: in.Description, Stock: in.Stock, MadeToOrder: in.MadeToOrder,
		LeadTimeDays: in.LeadTimeDays, Materials: in.Materials, Tags: in.Tags, Category: in.Category,
		MediaIDs: in.MediaIDs, Status: in.Status, Price: optionalMoney(in.Price)}
	if in.Variants != nil {
		vs := make([]work.VariantInput, 0, len(*in.Variants))
		for _, v := range *in.Variants {
			vs = append(vs, work.VariantInput{ID: v.ID, Name: v.Name, Price: v.Price.money()})
		}
		out.Variants = &vs
	}
	return out
}
