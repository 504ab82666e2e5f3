// Package searchtest is the conformance suite every search.Index must pass,
// so the embedded Bleve index and Meilisearch answer pages the same way.
package searchtest

import (
	"fmt"

	"guildhall/internal/platform/search"
)

// WorksSchema is the schema the suite declares; it mirrors the shape of the
// real "works" kind (text in two languages, tags, price, stock, time).
func WorksSchema() search.Schema {
	return search.Schema{
		Kind:         "works",
		Searchable:   []string{"title", "maker_name", "description", "tags"},
		Filterable:   []string{"maker", "tags", "price", "in_stock", "category"},
		Sortable:     []string{"price", "created"},
		RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness", "created:desc"},
	}
}

// Works returns six works, English and Chinese, fresh on each call so tests
// may change them.
func Works() []search.Document {
	return []search.Document{
		{"id": "w1", "title": "Hand-stitched leather wallet", "maker": "m1", "maker_name": "Lin Studio",
			"description": "Full-grain leather, waxed linen thread", "tags": []string{"leather", "wallet"},
			"price": 45, "in_stock": true, "category": "accessories", "created": 100},
		{"id": "w2", "title": "手工牛皮钱包", "maker": "m2", "maker_name": "老周皮具",
			"description": "植鞣牛皮，手工缝制", "tags": []string{"皮具", "钱包"},
			"price": 320, "in_stock": true, "category": "accessories", "created": 200},
		{"id": "w3", "title": "Ceramic tea cup", "maker": "m1", "maker_name": "Lin Studio",
			"description": "Wheel-thrown stoneware", "tags": []string{"ceramic", "tea"},
			"price": 18.5, "in_stock": false, "category": "kitchen", "created": 300},
		{"id": "w4", "title": "Walnut cutting board", "maker": "m3", "maker_name": "Oak & Iron",
			"description": "Oiled end-grain board", "tags": []string{"wood", "kitchen"},
			"price": 60, "in_stock": true, "category": "kitchen", "created": 400},
		{"id": "w5", "title": "Linen tote bag", "maker": "m2", "maker_name": "老周皮具",
			"description": "Washed linen, cotton strap", "tags": []string{"linen", "bag"},
			"price": 25, "in_stock": false, "category": "accessories", "created": 500},
		{"id": "w6", "title": "青瓷茶杯", "maker": "m3", "maker_name": "Oak & Iron",
			"description": "龙泉青瓷，手工拉坯", "tags": []string{"陶瓷", "茶具"},
			"price": 88, "in_stock": true, "category": "kitchen", "created": 600},
	}
}

// Items returns n plain documents for paging tests.
func Items(n int) []search.Document {
	docs := make([]search.Document, n)
	for i := range docs {
		docs[i] = search.Document{
			"id": fmt.Sprintf("item-%03d", i), "title": fmt.Sprintf("Item %d", i),
			"maker": "m9", "price": i, "category": "misc", "created": 1000 + i%5,
		}
	}
	return docs
}
