package work

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"guildhall/internal/problem"
)

// Input creates a work (POST) or changes one (PATCH: nil fields stay).
type Input struct {
	Title        *string
	Description  *string
	Price        *Money
	Stock        *int
	MadeToOrder  *bool
	LeadTimeDays *int
	Materials    *[]string
	Tags         *[]string
	Category     *string
	MediaIDs     *[]string
	Variants     *[]VariantInput
	Status       *string
}

// VariantInput is one option as a maker enters it.
type VariantInput struct {
	ID    string
	Name  string
	Price Money
}

// Limits a work's fields are held to.
const (
	maxImages    = 10
	maxVariants  = 20
	maxWords     = 20
	maxPrice     = 100_000_000_00 // 100 million in major units
	maxStock     = 1_000_000
	maxLeadDays  = 365
	maxTitle     = 120
	maxDescRunes = 10_000
)

// edited lists the stored fields that in changes, for a $set that leaves
// the rest (stock taken by checkouts, counters) as concurrent writes left
// them. Stock is among them only when the maker sets it: a restock is an
// absolute count.
func (in *Input) edited() []string {
	var out []string
	add := func(set bool, fields ...string) {
		if set {
			out = append(out, fields...)
		}
	}
	add(in.Title != nil, "title", "slug")
	add(in.Description != nil, "description", "description_html")
	add(in.Price != nil, "price")
	add(in.Stock != nil, "stock")
	add(in.MadeToOrder != nil, "made_to_order")
	add(in.LeadTimeDays != nil, "lead_time_days")
	add(in.Materials != nil, "materials")
	add(in.Tags != nil, "tags")
	add(in.Category != nil, "category")
	add(in.MediaIDs != nil, "images")
	add(in.Variants != nil, "variants")
	add(in.Status != nil, "status")
	return out
}

// apply validates in and writes it onto w, naming every bad field.
func (in *Input) apply(w *Work, creating bool) error {
	f := map[string]string{}
	if in.Title != nil {
		w.Title = strings.TrimSpace(*in.Title)
		problem.CheckLength(f, "title", w.Title, 1, maxTitle)
	} else if creating {
		f["title"] = "required"
	}
	if in.Description != nil {
		w.Description = *in.Description
		problem.CheckLength(f, "description", w.Description, 0, maxDescRunes)
	}
	if in.Price != nil {
		w.Price = *in.Price
		checkMoney(f, "price", &w.Price)
	} else if creating {
		f["price"] = "required"
	}
	if in.Stock != nil {
		w.Stock = *in.Stock
		if w.Stock < 0 || w.Stock > maxStock {
			f["stock"] = "out_of_range"
		}
	}
	if in.MadeToOrder != nil {
		w.MadeToOrder = *in.MadeToOrder
	}
	if in.LeadTimeDays != nil {
		w.LeadTimeDays = *in.LeadTimeDays
		if w.LeadTimeDays < 0 || w.LeadTimeDays > maxLeadDays {
			f["lead_time_days"] = "out_of_range"
		}
	}
	if in.Materials != nil {
		w.Materials = words(f, "materials", *in.Materials)
	}
	if in.Tags != nil {
		w.Tags = words(f, "tags", *in.Tags)
	}
	if in.Category != nil {
		w.Category = *in.Category
		if _, ok := CategoryByID(w.Category); !ok {
			f["category"] = "category_unknown"
		}
	} else if creating {
		f["category"] = "required"
	}
	if in.MediaIDs != nil {
		if len(*in.MediaIDs) > maxImages {
			f["media_ids"] = "too_many"
		}
		if hasDuplicates(*in.MediaIDs) {
			f["media_ids"] = "duplicates"
		}
	}
	if in.Variants != nil {
		if len(*in.Variants) > maxVariants {
			f["variants"] = "too_many"
		}
		w.Variants = w.Variants[:0:0]
		for i, v := range *in.Variants {
			name := strings.TrimSpace(v.Name)
			field := fmt.Sprintf("variants.%d", i)
			problem.CheckLength(f, field+".name", name, 1, 60)
			if v.Price.Currency == "" {
				v.Price.Currency = w.Price.Currency
			}
			checkMoney(f, field+".price", &v.Price)
			if v.Price.Currency != w.Price.Currency {
				f[field+".price"] = "currency_mismatch"
			}
			id := strings.TrimSpace(v.ID)
			if id == "" {
				id = fmt.Sprintf("v%d", i+1)
			}
			problem.CheckLength(f, field+".id", id, 1, 40)
			w.Variants = append(w.Variants, Variant{ID: id, Name: name, Price: v.Price})
		}
	}
	if in.Status != nil {
		switch *in.Status {
		case StatusDraft, StatusPublished, StatusArchived:
		default:
			f["status"] = "status_unknown"
		}
	}
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

func checkMoney(f map[string]string, field string, m *Money) {
	if m.Currency == "" {
		m.Currency = "CNY"
	}
	if !slices.Contains(Currencies, m.Currency) {
		f[field+".currency"] = "currency_unknown"
	}
	if m.Amount < 0 || m.Amount > maxPrice {
		f[field+".amount"] = "out_of_range"
	}
}

// words trims, drops empties and duplicates, and bounds a list of tags.
// The count is checked before anything else, so a list of a hundred
// thousand costs no more than one of twenty-one.
func words(f map[string]string, field string, in []string) []string {
	if len(in) > maxWords {
		f[field] = "too_many"
		return nil
	}
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, w := range in {
		w = strings.TrimSpace(w)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		if utf8.RuneCountInString(w) > 30 {
			f[field] = "too_long"
		}
		out = append(out, w)
	}
	return out
}

func hasDuplicates(ids []string) bool {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return true
		}
		seen[id] = true
	}
	return false
}
