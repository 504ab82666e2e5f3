package discovery_test

import (
	"testing"

	"guildhall/internal/discovery"
)

// The shoppers' cases (issue 15): the same suite, engines and corpus as
// relevance_test.go, for the ways people really search: traditional
// characters, the other words for a thing, the category's name, words
// joined or apart, the other language, both languages at once. A work found
// only through the vocabulary or the category ranks below the works that
// hold the words typed; the cases' lead and first say so.
var shopperCases = []searchCase{
	// Traditional and simplified characters find each other.
	{"a traditional query finds simplified titles", discovery.Params{Q: "茶壺"},
		expect{lead: []string{"ls-teapot-zisha", "ys-teapot"}, tie: "宜兴紫砂茶壶 and 纯银茶壶 both hold 茶壶 in title and tags",
			only: []string{"ls-teapot-zisha", "ls-teapot-celadon", "ys-teapot"}}},
	{"月餅 finds the mooncakes", discovery.Params{Q: "月餅"},
		expect{lead: []string{"ap-mooncake", "ap-mooncake-en"}, tie: "both titles hold 月饼", only: []string{"ap-mooncake", "ap-mooncake-en"}}},
	{"two traditional words typed together find the work with both", discovery.Params{Q: "青瓷茶壺"},
		expect{first: "ls-teapot-celadon", only: []string{"ls-teapot-celadon"}}},
	{"龍泉青瓷 finds the Longquan celadon cup", discovery.Params{Q: "龍泉青瓷"},
		expect{first: "ls-cup-zh", only: []string{"ls-cup-zh"}}},
	{"a traditional phrase ranks the simplified title that holds it first", discovery.Params{Q: "手工牛皮錢包"},
		expect{first: "lz-wallet-zh", only: []string{"lz-wallet-zh", "lz-keyring"}}},
	{"圍巾 finds the scarves", discovery.Params{Q: "圍巾"},
		expect{first: "nw-scarf-zh", only: []string{"nw-scarf-zh", "nw-scarf"}}},
	{"燈籠 finds the lanterns", discovery.Params{Q: "燈籠"},
		expect{first: "zj-lantern", only: []string{"zj-lantern", "zj-lantern-en"}}},
	{"刺繡 finds the embroidery, Chinese first", discovery.Params{Q: "刺繡"},
		expect{first: "sx-purse", lead: []string{"sx-purse", "sx-fan"}, only: []string{"sx-purse", "sx-fan", "sx-hoop", "sx-hanky"}}},
	{"a simplified query finds a traditional title", discovery.Params{Q: "蓝染"},
		expect{lead: []string{"tw-runner", "sx-indigo"}, tie: "藍染桌旗 and 蓝染方巾 both hold it in the title", only: []string{"tw-runner", "sx-indigo"}}},
	{"a traditional query finds both scripts", discovery.Params{Q: "藍染"},
		expect{lead: []string{"tw-runner", "sx-indigo"}, tie: "藍染桌旗 and 蓝染方巾 both hold it in the title", only: []string{"tw-runner", "sx-indigo"}}},
	{"竹编 finds the bamboo basket written 竹編", discovery.Params{Q: "竹编"},
		expect{first: "tw-basket", only: []string{"tw-basket"}}},
	{"铸铁壶 finds 鑄鐵壺", discovery.Params{Q: "铸铁壶"},
		expect{first: "tw-kettle", only: []string{"tw-kettle"}}},
	{"鐵壺 finds 鑄鐵壺", discovery.Params{Q: "鐵壺"},
		expect{first: "tw-kettle", only: []string{"tw-kettle"}}},
	{"a description in traditional characters is found in simplified", discovery.Params{Q: "台湾桂竹"},
		expect{first: "tw-basket", only: []string{"tw-basket"}}},
	{"a tag filter in simplified finds the work tagged in traditional", discovery.Params{Tags: []string{"蓝染"}},
		expect{only: []string{"tw-runner"}}},
	{"a material filter finds the material in both scripts", discovery.Params{Materials: []string{"蓼藍"}},
		expect{only: []string{"tw-runner", "sx-indigo"}}},
	{"a material filter in simplified finds the traditional material", discovery.Params{Materials: []string{"铸铁"}},
		expect{only: []string{"tw-kettle"}}},

	// The other words for a thing.
	{"皮夹 finds the wallets", discovery.Params{Q: "皮夹"},
		expect{lead: []string{"lz-wallet-zh", "lz-wallet-en"}, tie: "both wallets are found through the vocabulary alike",
			only: []string{"lz-wallet-zh", "lz-wallet-en", "sx-purse", "lz-keyring"}}},
	{"钱夹 finds the wallets", discovery.Params{Q: "钱夹"},
		expect{lead: []string{"lz-wallet-zh", "lz-wallet-en"}, tie: "both wallets are found through the vocabulary alike",
			only: []string{"lz-wallet-zh", "lz-wallet-en", "sx-purse", "lz-keyring"}}},
	{"杯子 finds cups, mugs and tumblers", discovery.Params{Q: "杯子"},
		expect{only: []string{"ls-cup-zh", "ls-cups", "hg-tumblers", "ls-mug"}}},
	{"mug finds the mug and not every cup", discovery.Params{Q: "mug"},
		expect{first: "ls-mug", only: []string{"ls-mug"}}},
	{"cowhide finds 牛皮", discovery.Params{Q: "cowhide"},
		expect{only: []string{"lz-wallet-zh", "lz-belt-zh", "lz-keyring"}}},
	{"earrings finds 耳环", discovery.Params{Q: "earrings"},
		expect{only: []string{"ys-earrings"}}},
	{"comb finds 桃木梳", discovery.Params{Q: "comb"},
		expect{only: []string{"oi-comb"}}},
	{"kite finds 沙燕风筝", discovery.Params{Q: "kite"},
		expect{only: []string{"mm-kite"}}},
	{"rocking horse finds 摇摇马 first", discovery.Params{Q: "rocking horse"},
		// 小木马玩具's other toys follow: its name holds 木马, which is a rocking horse too
		expect{first: "mm-horse"}},
	{"chili oil finds 辣椒油", discovery.Params{Q: "chili oil"},
		expect{only: []string{"ap-chili"}}},
	{"green tea finds the Longjing", discovery.Params{Q: "green tea"},
		expect{only: []string{"ap-tea"}}},
	{"papercut finds 剪纸", discovery.Params{Q: "papercut"},
		expect{only: []string{"zj-papercut"}}},
	{"handkerchief finds 手帕 and 方巾", discovery.Params{Q: "handkerchief"},
		expect{first: "sx-hanky", only: []string{"sx-hanky", "sx-indigo"}}},
	{"香皂 finds the handmade soap", discovery.Params{Q: "香皂"},
		expect{only: []string{"ot-soap"}}},
	{"gloves finds mittens", discovery.Params{Q: "gloves"},
		expect{only: []string{"nw-mittens"}}},
	{"a phrase of the vocabulary finds its Chinese word", discovery.Params{Q: "月饼 gift box"},
		expect{only: []string{"ap-mooncake"}}}, // 六只礼盒

	// The category's name, in either language.
	{"陶瓷 finds the ceramics category", discovery.Params{Q: "陶瓷"},
		expect{only: []string{"ls-cup-zh", "ls-teapot-celadon", "ls-teapot-zisha", "ls-bowl", "ls-plate", "ls-mug", "ls-cups", "ls-vase"}}},
	{"pottery finds the ceramics category", discovery.Params{Q: "pottery"},
		expect{only: []string{"ls-cup-zh", "ls-teapot-celadon", "ls-teapot-zisha", "ls-bowl", "ls-plate", "ls-mug", "ls-cups", "ls-vase"}}},
	{"皮具 finds the leather category", discovery.Params{Q: "皮具"},
		expect{only: []string{"lz-wallet-zh", "lz-wallet-en", "lz-cardholder", "lz-belt-en", "lz-belt-zh", "lz-keyring", "lz-tote"}}},
	{"jewellery finds the jewelry category", discovery.Params{Q: "jewellery"},
		expect{only: []string{"ys-ring", "ys-ring-en", "ys-earrings", "ys-bracelet", "ys-jade", "ys-jade-en"}}},
	{"玩具 finds the toys, the one tagged 玩具 first", discovery.Params{Q: "玩具"},
		expect{first: "mm-horse", only: []string{"mm-horse", "mm-blocks", "mm-bunny", "mm-kite"}}},
	{"木作 finds the woodwork category", discovery.Params{Q: "木作"},
		expect{only: []string{"oi-spoon", "oi-spoons-zh", "oi-board", "oi-comb", "oi-bowl"}}},
	{"食品 finds the food category before a spoon finished with food-safe oil", discovery.Params{Q: "食品"},
		expect{lead: []string{"ap-mooncake", "ap-mooncake-en", "ap-chili", "ap-tea"},
			only: []string{"ap-mooncake", "ap-mooncake-en", "ap-chili", "ap-tea", "oi-spoon"}}},
	{"织物 finds the textiles category", discovery.Params{Q: "织物"},
		expect{only: []string{"nw-scarf", "nw-scarf-zh", "nw-beanie", "nw-mittens", "sx-purse", "sx-hanky", "tw-runner", "sx-indigo"}}},
	{"metalwork finds the metalwork category", discovery.Params{Q: "metalwork"},
		expect{only: []string{"ys-kettle", "ys-teapot", "tw-kettle"}}},
	{"glass finds glass works, those that say glass first", discovery.Params{Q: "glass"},
		expect{lead: []string{"hg-vase", "hg-tumblers", "hg-bird"}, only: []string{"hg-vase", "hg-tumblers", "hg-bird", "hg-vase-zh"}}},

	// Words joined and apart.
	{"moon cake finds mooncakes", discovery.Params{Q: "moon cake"},
		expect{first: "ap-mooncake-en", only: []string{"ap-mooncake-en", "ap-mooncake"}}},
	{"tea pot finds teapots", discovery.Params{Q: "tea pot"},
		expect{lead: []string{"ls-teapot-celadon", "ys-teapot"}, tie: "both say teapot",
			only: []string{"ls-teapot-celadon", "ys-teapot", "ls-teapot-zisha"}}},
	{"note book finds the notebook", discovery.Params{Q: "note book"},
		expect{only: []string{"zj-notebook"}}},
	{"bees wax candle finds the beeswax candles", discovery.Params{Q: "bees wax candle"},
		expect{only: []string{"ot-candle"}}},
	{"keyring finds the key ring", discovery.Params{Q: "keyring"},
		expect{only: []string{"lz-keyring"}}},
	{"cardholder finds the card holder", discovery.Params{Q: "cardholder"},
		expect{only: []string{"lz-cardholder"}}},
	{"teacups finds the tea cups first", discovery.Params{Q: "teacups"},
		expect{first: "ls-cups", only: []string{"ls-cups", "ls-cup-zh"}}},
	{"hand knitted scarf finds the hand-knitted scarf first", discovery.Params{Q: "hand knitted scarf"},
		expect{first: "nw-scarf", only: []string{"nw-scarf", "nw-scarf-zh"}}},

	// The other language, below the works that match as typed.
	{"teapot finds the Chinese-only teapot last", discovery.Params{Q: "teapot"},
		expect{lead: []string{"ls-teapot-celadon", "ys-teapot"}, tie: "both say teapot",
			only: []string{"ls-teapot-celadon", "ys-teapot", "ls-teapot-zisha"}}},
	{"lantern finds both lanterns", discovery.Params{Q: "lantern"},
		expect{lead: []string{"zj-lantern-en", "zj-lantern"}, tie: "both say lantern, one in its tags", only: []string{"zj-lantern-en", "zj-lantern"}}},
	{"kettle finds 鑄鐵壺 after the kettle tagged so", discovery.Params{Q: "kettle"},
		expect{first: "ys-kettle", only: []string{"ys-kettle", "tw-kettle"}}},
	{"embroidery finds 刺绣 after the English works", discovery.Params{Q: "embroidery"},
		expect{lead: []string{"sx-hoop", "sx-hanky"}, tie: "both say embroidery in their tags",
			only: []string{"sx-hoop", "sx-hanky", "sx-purse", "sx-fan"}}},
	{"celadon finds 青瓷 after the English works", discovery.Params{Q: "celadon"},
		expect{lead: []string{"ls-bowl", "ls-teapot-celadon"}, tie: "both say celadon in the title",
			only: []string{"ls-bowl", "ls-teapot-celadon", "ls-cup-zh"}}},
	{"wallet finds 钱包", discovery.Params{Q: "wallet"},
		expect{lead: []string{"lz-wallet-en", "lz-wallet-zh"}, tie: "both are tagged wallet",
			only: []string{"lz-wallet-en", "lz-wallet-zh", "sx-purse", "lz-keyring"}}},
	{"钥匙扣 finds the key ring", discovery.Params{Q: "钥匙扣"},
		expect{only: []string{"lz-keyring"}}},
	{"vase finds 花瓶 after the vase", discovery.Params{Q: "vase"},
		expect{first: "hg-vase", only: []string{"hg-vase", "hg-vase-zh", "ls-vase"}}},
	{"indigo finds 藍染 and 蓝染", discovery.Params{Q: "indigo"},
		expect{only: []string{"tw-runner", "sx-indigo"}}},
	{"cast iron finds 鑄鐵壺", discovery.Params{Q: "cast iron"},
		expect{only: []string{"tw-kettle"}}},
	{"bamboo basket finds 竹編提籃", discovery.Params{Q: "bamboo basket"},
		expect{only: []string{"tw-basket"}}},
	{"scarf finds 围巾 after the scarf", discovery.Params{Q: "scarf"},
		expect{first: "nw-scarf", only: []string{"nw-scarf", "nw-scarf-zh"}}},

	// Both languages in one query.
	{"silver 茶壶 finds the silver teapot", discovery.Params{Q: "silver 茶壶"},
		expect{only: []string{"ys-teapot"}}},
	{"陶瓷 mug finds the stoneware mug", discovery.Params{Q: "陶瓷 mug"},
		expect{only: []string{"ls-mug"}}},
	{"jade 吊坠 finds both pendants, the Chinese title first", discovery.Params{Q: "jade 吊坠"},
		expect{first: "ys-jade", only: []string{"ys-jade", "ys-jade-en"}}},
	{"wool 围巾 finds both scarves, the Chinese title first", discovery.Params{Q: "wool 围巾"},
		expect{first: "nw-scarf-zh", only: []string{"nw-scarf-zh", "nw-scarf"}}},
	{"青瓷 bowl finds the celadon bowl", discovery.Params{Q: "青瓷 bowl"},
		expect{only: []string{"ls-bowl"}}},
	{"ceramic cup finds the ceramic cups first", discovery.Params{Q: "ceramic cup"},
		expect{first: "ls-cups", only: []string{"ls-cups", "ls-mug", "ls-cup-zh"}}},
	{"蓝染 handkerchief finds the indigo handkerchief", discovery.Params{Q: "蓝染 handkerchief"},
		expect{only: []string{"sx-indigo"}}},
	{"leather 钱包 finds both wallets first", discovery.Params{Q: "leather 钱包"},
		expect{lead: []string{"lz-wallet-en", "lz-wallet-zh"}, tie: "each holds one word as typed and the other through the vocabulary",
			only: []string{"lz-wallet-en", "lz-wallet-zh", "lz-keyring"}}},
	{"木 spoon finds both spoons, the one that says spoon first", discovery.Params{Q: "木 spoon"},
		expect{first: "oi-spoon", only: []string{"oi-spoon", "oi-spoons-zh"}}},
}

func TestSearchMeetsShoppers(t *testing.T) {
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, c := range shopperCases {
			t.Run(c.name, func(t *testing.T) { check(t, c, find(t, svc, c.p)) })
		}
	})
}

// A title is shown as its maker wrote it, and the characters a search
// matched are marked in it, whichever script or language the shopper typed.
func TestSearchMarksTheMatchInTheTitleAsWritten(t *testing.T) {
	cases := []struct {
		q, id, want string
	}{
		{"蓝染", "tw-runner", "<mark>藍染</mark>桌旗"},
		{"铸铁壶", "tw-kettle", "<mark>鑄鐵壺</mark>"},
		{"cast iron", "tw-kettle", "<mark>鑄鐵</mark>壺"},
		{"bamboo basket", "tw-basket", "<mark>竹</mark>編<mark>提籃</mark>"},
		{"龍泉青瓷", "ls-cup-zh", "<mark>龙泉青瓷</mark>茶杯"},
		{"teapot", "ls-teapot-zisha", "宜兴紫砂<mark>茶壶</mark>"},
		{"moon cake", "ap-mooncake-en", "Snow skin <mark>mooncakes</mark> 冰皮<mark>月饼</mark>"},
		{"keyring", "lz-keyring", "牛皮<mark>钥匙扣</mark> Leather <mark>key ring</mark>"},
	}
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, c := range cases {
			t.Run(c.q, func(t *testing.T) {
				for _, card := range cards(find(t, svc, discovery.Params{Q: c.q})) {
					if card.ID == c.id {
						if got := card.Highlights["title"]; got != c.want {
							t.Errorf("title highlight %q, want %q", got, c.want)
						}
						return
					}
				}
				t.Errorf("%s not found", c.id)
			})
		}
	})
}
