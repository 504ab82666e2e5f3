package server

import (
	"time"

	"guildhall/internal/curation"
)

type collectionJSON struct {
	ID          string               `json:"id"`
	Title       string               `json:"title"`
	Description string               `json:"description"`
	CoverURL    string               `json:"cover_url"`
	Visibility  string               `json:"visibility"`
	Curated     bool                 `json:"curated"`
	Featured    bool                 `json:"featured"`
	Owner       collectionOwnerJSON  `json:"owner"`
	Items       []collectionItemJSON `json:"items"`
	URL         string               `json:"url"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
}

type collectionOwnerJSON struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

// collectionItemJSON is one work in a collection, with the curator's note.
type collectionItemJSON struct {
	WorkID  string    `json:"work_id"`
	Note    string    `json:"note"`
	Title   string    `json:"title"`
	URL     string    `json:"url"`
	Image   string    `json:"image"`
	Price   moneyJSON `json:"price"`
	InStock bool      `json:"in_stock"`
	AddedAt time.Time `json:"added_at"`
}

func collectionItemOut(it curation.Item) collectionItemJSON {
	return collectionItemJSON{WorkID: it.WorkID, Note: it.Note, Title: it.Title, URL: it.URL, Image: it.Image,
		Price: moneyOut(it.Price), InStock: it.InStock, AddedAt: it.AddedAt}
}

type collectionResponse struct {
	Collection collectionJSON `json:"collection"`
}

func collectionOut(c *curation.Collection) collectionResponse {
	o := c.Owner
	return collectionResponse{Collection: collectionJSON{ID: c.ID, Title: c.Title, Description: c.Description,
		CoverURL: c.CoverURL, Visibility: c.Visibility, Curated: c.Curated, Featured: c.Featured,
		Owner: collectionOwnerJSON{ID: o.ID, Handle: o.Handle, Name: o.Name},
		Items: nonNil(listOut(c.Items, collectionItemOut)), URL: "/collections/" + c.ID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}}
}

// collectionInputJSON creates a collection (POST) or changes one (PATCH:
// absent fields stay).
type collectionInputJSON struct {
	Title        *string `json:"title"`
	Description  *string `json:"description"`
	CoverMediaID *string `json:"cover_media_id"`
	Visibility   *string `json:"visibility"`
}

func (in collectionInputJSON) input() curation.Input {
	return curation.Input{Title: in.Title, Description: in.Description, CoverMediaID: in.CoverMediaID, Visibility: in.Visibility}
}

type collectionItemInputJSON struct {
	WorkID string `json:"work_id"`
	Note   string `json:"note"`
}
