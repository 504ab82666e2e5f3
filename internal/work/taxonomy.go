package work

// Category is one entry of the fixed taxonomy, labelled in both languages.
type Category struct {
	ID string
	En string
	Zh string
}

// Categories are the ids API.md names, in display order.
var Categories = []Category{
	{"jewelry", "Jewelry", "首饰"},
	{"leather", "Leather", "皮具"},
	{"ceramics", "Ceramics", "陶瓷"},
	{"textiles", "Textiles", "织物"},
	{"woodwork", "Woodwork", "木作"},
	{"paper", "Paper", "纸艺"},
	{"glass", "Glass", "玻璃"},
	{"metalwork", "Metalwork", "金工"},
	{"toys", "Toys", "玩具"},
	{"home", "Home", "家居"},
	{"art", "Art", "艺术"},
	{"food", "Food", "食品"},
	{"other", "Other", "其他"},
}

// Label returns the category's name in lang ("en" or "zh-CN").
func (c Category) Label(lang string) string {
	if lang == "zh-CN" {
		return c.Zh
	}
	return c.En
}

// CategoryByID finds a category.
func CategoryByID(id string) (Category, bool) {
	for _, c := range Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Currencies accepted for prices; CNY is the default.
var Currencies = []string{"CNY", "USD", "EUR"}
