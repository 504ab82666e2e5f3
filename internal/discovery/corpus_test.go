package discovery_test

import (
	"time"

	"guildhall/internal/markdown"
	"guildhall/internal/platform/search"
	"guildhall/internal/work"
)

// The relevance corpus: a fixed marketplace of handmade works in Chinese,
// English and both, from twelve makers, two of whom write traditional
// characters. Prices are in fen (CNY minor units).
// Drafts and archived works share words with published ones on purpose
// ("Leather wallet prototype", "Celadon teapot (test firing)", "银戒指样品"),
// and have words of their own ("prototype", "绝版", "样品", "桂花糕") that
// nothing published holds, so a leak shows in either kind of query.

var makers = map[string]work.MakerRef{
	"laozhou":     {ID: "m01", Handle: "laozhou", Name: "老周皮具"},
	"linstudio":   {ID: "m02", Handle: "linstudio", Name: "Lin Studio 林氏陶坊"},
	"yunsilver":   {ID: "m03", Handle: "yunsilver", Name: "云南银匠 Yun Silver"},
	"northwind":   {ID: "m04", Handle: "northwind", Name: "Northwind Knits"},
	"suxiu":       {ID: "m05", Handle: "suxiu", Name: "苏绣坊"},
	"oakiron":     {ID: "m06", Handle: "oakiron", Name: "Oak & Iron"},
	"zhijian":     {ID: "m07", Handle: "zhijian", Name: "纸间 Paper Room"},
	"harborglass": {ID: "m08", Handle: "harborglass", Name: "Harbor Glass"},
	"xiaomuma":    {ID: "m09", Handle: "xiaomuma", Name: "小木马玩具"},
	"apo":         {ID: "m10", Handle: "apo", Name: "阿婆厨房"},
	"zhuyi":       {ID: "m11", Handle: "zhuyi", Name: "竹藝工坊"},
	"tainaniron":  {ID: "m12", Handle: "tainaniron", Name: "台南鐵器所"},
}

// piece is one work of the corpus, written compactly; corpusWorks turns it
// into a work.Work.
type piece struct {
	id, maker, title, desc string
	materials, tags        []string
	category               string
	price                  int64 // fen
	stock                  int
	madeToOrder            bool
	status                 string // "" is published
	favorites              int
}

const (
	draft    = work.StatusDraft
	archived = work.StatusArchived
)

var corpus = []piece{
	// Leather — 老周皮具
	{id: "lz-wallet-zh", maker: "laozhou", title: "手工牛皮钱包", desc: "意大利植鞣牛皮，手工马鞍针缝制，可放八张卡。",
		materials: []string{"牛皮", "蜡线"}, tags: []string{"钱包", "皮具", "wallet"}, category: "leather", price: 38800, stock: 5, favorites: 42},
	{id: "lz-wallet-en", maker: "laozhou", title: "Hand-stitched leather wallet", desc: "Full-grain vegetable-tanned leather, saddle stitched with waxed linen thread. Holds six cards and folded notes.",
		materials: []string{"leather", "linen thread"}, tags: []string{"wallet", "bifold", "leather"}, category: "leather", price: 42000, stock: 3, favorites: 30},
	{id: "lz-cardholder", maker: "laozhou", title: "Minimalist card holder 卡包", desc: "A slim card holder in **veg-tan** leather that fits a front pocket.",
		materials: []string{"leather"}, tags: []string{"card holder", "卡包", "minimalist"}, category: "leather", price: 16800, stock: 12, favorites: 12},
	{id: "lz-belt-en", maker: "laozhou", title: "Leather belt with brass buckle", desc: "A 38mm belt cut from a single strip of bridle leather, with a solid brass buckle.",
		materials: []string{"leather", "brass"}, tags: []string{"belt", "leather"}, category: "leather", price: 36000, stock: 4, favorites: 9},
	{id: "lz-belt-zh", maker: "laozhou", title: "植鞣牛皮腰带", desc: "整条头层牛皮，黄铜扣，可按腰围定制。",
		materials: []string{"牛皮", "黄铜"}, tags: []string{"腰带", "皮具"}, category: "leather", price: 32000, madeToOrder: true, favorites: 7},
	{id: "lz-keyring", maker: "laozhou", title: "牛皮钥匙扣 Leather key ring", desc: "用做钱包剩下的边角料手工缝制的小钥匙扣。",
		materials: []string{"牛皮", "leather"}, tags: []string{"钥匙扣", "key ring"}, category: "leather", price: 6800, stock: 30, favorites: 3},
	{id: "lz-tote", maker: "laozhou", title: "Leather tote bag", desc: "A roomy tote in oiled pull-up leather with a linen lining.",
		materials: []string{"leather", "linen"}, tags: []string{"bag", "tote"}, category: "leather", price: 128000, stock: 0, favorites: 18},
	{id: "lz-draft", maker: "laozhou", title: "Leather wallet prototype", desc: "Prototype of a zip wallet, not for sale yet.",
		materials: []string{"leather"}, tags: []string{"wallet", "prototype"}, category: "leather", price: 50000, status: draft},
	{id: "lz-archived", maker: "laozhou", title: "旧款牛皮钱包（绝版）", desc: "已停产的旧款牛皮钱包，绝版。",
		materials: []string{"牛皮"}, tags: []string{"钱包", "绝版"}, category: "leather", price: 25000, status: archived, favorites: 60},

	// Ceramics — Lin Studio 林氏陶坊
	{id: "ls-cup-zh", maker: "linstudio", title: "龙泉青瓷茶杯", desc: "龙泉窑青瓷釉，手工拉坯，容量约120毫升。",
		materials: []string{"瓷土", "青瓷釉"}, tags: []string{"青瓷", "茶杯", "茶具"}, category: "ceramics", price: 18800, stock: 10, favorites: 25},
	{id: "ls-teapot-celadon", maker: "linstudio", title: "Celadon teapot", desc: "A wheel-thrown porcelain teapot with a pale celadon glaze; holds 300ml.",
		materials: []string{"porcelain", "celadon glaze"}, tags: []string{"teapot", "茶壶", "青瓷"}, category: "ceramics", price: 68000, stock: 2, favorites: 33},
	{id: "ls-teapot-zisha", maker: "linstudio", title: "宜兴紫砂茶壶", desc: "原矿紫泥，全手工拍身成型，适合泡乌龙和普洱。",
		materials: []string{"紫砂"}, tags: []string{"茶壶", "紫砂", "茶具"}, category: "ceramics", price: 128000, stock: 1, favorites: 51},
	{id: "ls-bowl", maker: "linstudio", title: "Celadon glaze bowl", desc: "A rice bowl whose celadon glaze pools green in the foot.",
		materials: []string{"stoneware", "celadon glaze"}, tags: []string{"bowl", "celadon"}, category: "ceramics", price: 15800, stock: 8, favorites: 6},
	{id: "ls-plate", maker: "linstudio", title: "青花瓷盘", desc: "景德镇青花，手绘缠枝莲纹，直径20厘米。",
		materials: []string{"瓷土", "钴料"}, tags: []string{"青花", "盘子"}, category: "ceramics", price: 26800, stock: 4, favorites: 14},
	{id: "ls-mug", maker: "linstudio", title: "Stoneware coffee mug", desc: "A speckled stoneware mug that holds 350ml; dishwasher safe.",
		materials: []string{"stoneware"}, tags: []string{"mug", "coffee"}, category: "ceramics", price: 12800, stock: 20, favorites: 8},
	{id: "ls-cups", maker: "linstudio", title: "Ceramic tea cups, set of four", desc: "Four small tea cups in a tenmoku glaze.",
		materials: []string{"stoneware"}, tags: []string{"tea cup", "tea"}, category: "ceramics", price: 32000, stock: 0, favorites: 11},
	{id: "ls-vase", maker: "linstudio", title: "粗陶花瓶", desc: "柴烧粗陶，自然落灰釉。",
		materials: []string{"粗陶"}, tags: []string{"花瓶", "柴烧"}, category: "ceramics", price: 45000, stock: 2, favorites: 5},
	{id: "ls-draft", maker: "linstudio", title: "Celadon teapot (test firing)", desc: "Test firing of the new celadon teapot glaze.",
		materials: []string{"porcelain"}, tags: []string{"teapot", "test"}, category: "ceramics", price: 0, status: draft},
	{id: "ls-archived", maker: "linstudio", title: "Old speckled mug", desc: "Last year's speckled mug, discontinued.",
		materials: []string{"stoneware"}, tags: []string{"mug"}, category: "ceramics", price: 9800, status: archived, favorites: 40},

	// Jewelry and metalwork — 云南银匠 Yun Silver
	{id: "ys-ring", maker: "yunsilver", title: "手工纯银戒指", desc: "999足银手工锻打，表面锤纹，可调节尺寸。",
		materials: []string{"silver", "999银"}, tags: []string{"戒指", "ring"}, category: "jewelry", price: 28800, stock: 6, favorites: 22},
	{id: "ys-ring-en", maker: "yunsilver", title: "Sterling silver stacking ring", desc: "A thin hammered band in 925 sterling silver.",
		materials: []string{"sterling silver"}, tags: []string{"ring", "stacking"}, category: "jewelry", price: 19800, stock: 15, favorites: 17},
	{id: "ys-earrings", maker: "yunsilver", title: "银杏叶耳环", desc: "纯银打造的银杏叶耳环，轻盈不坠耳。",
		materials: []string{"silver"}, tags: []string{"耳环", "银杏"}, category: "jewelry", price: 22800, stock: 3, favorites: 19},
	{id: "ys-bracelet", maker: "yunsilver", title: "Silver cuff bracelet 银手镯", desc: "A wide cuff in 925 silver, oxidised and polished.",
		materials: []string{"silver"}, tags: []string{"bracelet", "手镯"}, category: "jewelry", price: 46800, stock: 2, favorites: 10},
	{id: "ys-jade", maker: "yunsilver", title: "和田玉平安扣吊坠", desc: "和田青白玉平安扣，配手编红绳。",
		materials: []string{"和田玉", "红绳"}, tags: []string{"玉", "吊坠", "pendant", "jade"}, category: "jewelry", price: 88000, stock: 1, favorites: 27},
	{id: "ys-jade-en", maker: "yunsilver", title: "Jade leaf pendant on a silver chain", desc: "A carved nephrite jade leaf on an 18-inch sterling silver chain.",
		materials: []string{"jade", "sterling silver"}, tags: []string{"pendant", "necklace"}, category: "jewelry", price: 56000, madeToOrder: true, favorites: 15},
	{id: "ys-kettle", maker: "yunsilver", title: "手工锤纹铜壶", desc: "紫铜手工锤打，烧水泡茶。",
		materials: []string{"紫铜", "copper"}, tags: []string{"铜壶", "kettle"}, category: "metalwork", price: 98000, stock: 1, favorites: 13},
	{id: "ys-teapot", maker: "yunsilver", title: "纯银茶壶 Silver teapot", desc: "A small teapot raised from one sheet of fine silver, made to order.",
		materials: []string{"silver"}, tags: []string{"茶壶", "teapot"}, category: "metalwork", price: 580000, madeToOrder: true, favorites: 4},
	{id: "ys-draft", maker: "yunsilver", title: "银戒指样品", desc: "样品，不出售。",
		materials: []string{"silver"}, tags: []string{"戒指", "样品"}, category: "jewelry", price: 100, status: draft},

	// Textiles — Northwind Knits
	{id: "nw-scarf", maker: "northwind", title: "Hand-knitted merino scarf", desc: "A chunky rib knit in soft merino wool, 180cm long.",
		materials: []string{"merino wool"}, tags: []string{"scarf", "knitted", "winter"}, category: "textiles", price: 36800, stock: 7, favorites: 21},
	{id: "nw-scarf-zh", maker: "northwind", title: "手织羊毛围巾", desc: "内蒙古羊毛，手工棒针编织，保暖不扎。",
		materials: []string{"羊毛"}, tags: []string{"围巾", "针织"}, category: "textiles", price: 29800, stock: 5, favorites: 16},
	{id: "nw-beanie", maker: "northwind", title: "Knitted wool beanie", desc: "A fisherman rib beanie in undyed wool.",
		materials: []string{"wool"}, tags: []string{"hat", "beanie", "knitted"}, category: "textiles", price: 16800, stock: 0, favorites: 9},
	{id: "nw-blanket", maker: "northwind", title: "Linen throw blanket", desc: "A stonewashed linen throw, 130 by 170cm.",
		materials: []string{"linen"}, tags: []string{"blanket", "throw"}, category: "home", price: 52000, stock: 3, favorites: 12},
	{id: "nw-mittens", maker: "northwind", title: "羊毛连指手套 Wool mittens", desc: "Warm mittens knitted in two colours of wool.",
		materials: []string{"羊毛", "wool"}, tags: []string{"手套", "mittens"}, category: "textiles", price: 14800, stock: 9, favorites: 6},
	{id: "nw-archived", maker: "northwind", title: "Alpaca scarf (discontinued)", desc: "Discontinued alpaca scarf.",
		materials: []string{"alpaca"}, tags: []string{"scarf"}, category: "textiles", price: 41000, status: archived, favorites: 35},

	// Embroidery — 苏绣坊
	{id: "sx-fan", maker: "suxiu", title: "苏绣猫咪团扇", desc: "真丝面料，苏绣双面绣猫咪，红木扇柄。",
		materials: []string{"真丝", "红木"}, tags: []string{"刺绣", "苏绣", "团扇"}, category: "art", price: 168000, stock: 1, favorites: 48},
	{id: "sx-hoop", maker: "suxiu", title: "Embroidered wildflower hoop art", desc: "Hand embroidery of wildflowers on linen, framed in a 6-inch hoop.",
		materials: []string{"linen", "cotton thread"}, tags: []string{"embroidery", "hoop art"}, category: "art", price: 24800, stock: 4, favorites: 20},
	{id: "sx-purse", maker: "suxiu", title: "刺绣零钱包", desc: "棉麻布面手工刺绣，拉链开口。",
		materials: []string{"棉麻"}, tags: []string{"刺绣", "零钱包"}, category: "textiles", price: 8800, stock: 12, favorites: 10},
	{id: "sx-hanky", maker: "suxiu", title: "Embroidered cotton handkerchief 手帕", desc: "A soft cotton handkerchief with a hand-embroidered corner.",
		materials: []string{"cotton"}, tags: []string{"embroidery", "手帕"}, category: "textiles", price: 6800, stock: 25, favorites: 4},
	{id: "sx-draft", maker: "suxiu", title: "苏绣牡丹屏风（未完成）", desc: "还在绣的牡丹屏风。",
		materials: []string{"真丝"}, tags: []string{"刺绣", "屏风"}, category: "art", price: 880000, status: draft},

	// Woodwork — Oak & Iron
	{id: "oi-spoon", maker: "oakiron", title: "Hand-carved wooden spoon", desc: "A cherry wood spoon carved with an axe and a knife, finished with food-safe oil.",
		materials: []string{"cherry wood"}, tags: []string{"spoon", "kitchen"}, category: "woodwork", price: 9800, stock: 14, favorites: 23},
	{id: "oi-spoons-zh", maker: "oakiron", title: "胡桃木汤勺三件套", desc: "北美黑胡桃木，手工雕刻。",
		materials: []string{"胡桃木"}, tags: []string{"勺子", "厨房"}, category: "woodwork", price: 15800, stock: 6, favorites: 8},
	{id: "oi-board", maker: "oakiron", title: "Walnut cutting board", desc: "An end-grain walnut board, oiled.",
		materials: []string{"walnut"}, tags: []string{"cutting board", "kitchen"}, category: "woodwork", price: 42000, stock: 2, favorites: 11},
	{id: "oi-stool", maker: "oakiron", title: "Oak three-leg stool", desc: "A green oak stool with riven legs.",
		materials: []string{"oak"}, tags: []string{"stool", "furniture"}, category: "home", price: 88000, madeToOrder: true, favorites: 7},
	{id: "oi-comb", maker: "oakiron", title: "桃木梳", desc: "整块桃木手工打磨。",
		materials: []string{"桃木"}, tags: []string{"梳子"}, category: "woodwork", price: 5800, stock: 40, favorites: 5},
	{id: "oi-bowl", maker: "oakiron", title: "Turned maple bowl", desc: "A salad bowl turned from one piece of maple.",
		materials: []string{"maple"}, tags: []string{"bowl"}, category: "woodwork", price: 26000, stock: 3, favorites: 6},

	// Paper — 纸间 Paper Room
	{id: "zj-lantern", maker: "zhijian", title: "手工纸灯笼", desc: "宣纸竹骨，手工糊制，可配LED灯。",
		materials: []string{"宣纸", "竹"}, tags: []string{"灯笼", "lantern"}, category: "paper", price: 12800, stock: 10, favorites: 18},
	{id: "zj-lantern-en", maker: "zhijian", title: "Paper lantern, rice paper and bamboo", desc: "A round hanging lantern with a bamboo frame.",
		materials: []string{"rice paper", "bamboo"}, tags: []string{"lantern", "lighting"}, category: "paper", price: 18800, stock: 6, favorites: 9},
	{id: "zj-notebook", maker: "zhijian", title: "Hand-bound leather notebook", desc: "A Coptic-stitched notebook with a goatskin leather cover and 120 pages of cotton paper.",
		materials: []string{"leather", "cotton paper"}, tags: []string{"notebook", "bookbinding"}, category: "paper", price: 22800, stock: 8, favorites: 13},
	{id: "zj-papercut", maker: "zhijian", title: "剪纸窗花 福字", desc: "红宣纸手工剪纸，春节窗花。",
		materials: []string{"宣纸"}, tags: []string{"剪纸", "春节"}, category: "art", price: 3800, stock: 50, favorites: 30},
	{id: "zj-cards", maker: "zhijian", title: "Letterpress greeting cards, set of 6", desc: "Six letterpress cards on thick cotton paper.",
		materials: []string{"cotton paper"}, tags: []string{"cards"}, category: "paper", price: 9800, stock: 0, favorites: 2},

	// Glass — Harbor Glass
	{id: "hg-vase", maker: "harborglass", title: "Hand-blown glass vase", desc: "A clear glass vase with a sea-green tint, 25cm tall.",
		materials: []string{"glass"}, tags: []string{"vase", "花瓶"}, category: "glass", price: 48000, stock: 3, favorites: 24},
	{id: "hg-vase-zh", maker: "harborglass", title: "琉璃花瓶", desc: "古法琉璃，脱蜡铸造。",
		materials: []string{"琉璃"}, tags: []string{"花瓶"}, category: "glass", price: 68000, stock: 1, favorites: 12},
	{id: "hg-tumblers", maker: "harborglass", title: "Blown glass tumblers, pair", desc: "Two tumblers with a bubble in the base.",
		materials: []string{"glass"}, tags: []string{"tumbler", "cup"}, category: "glass", price: 22000, stock: 5, favorites: 7},
	{id: "hg-bird", maker: "harborglass", title: "Glass bird ornament", desc: "A small hanging bird in amber glass.",
		materials: []string{"glass"}, tags: []string{"ornament"}, category: "home", price: 8800, stock: 0, favorites: 3},
	{id: "hg-archived", maker: "harborglass", title: "Glass vase seconds", desc: "Slightly flawed vases; sold out for good.",
		materials: []string{"glass"}, tags: []string{"vase", "seconds"}, category: "glass", price: 12000, status: archived},

	// Toys — 小木马玩具
	{id: "mm-horse", maker: "xiaomuma", title: "木制摇摇马", desc: "榉木制作，水性漆，适合1到3岁。",
		materials: []string{"榉木"}, tags: []string{"摇摇马", "玩具", "木马"}, category: "toys", price: 68000, stock: 2, favorites: 28},
	{id: "mm-blocks", maker: "xiaomuma", title: "Wooden building blocks, 30 pieces", desc: "Beech blocks with non-toxic paint.",
		materials: []string{"beech"}, tags: []string{"blocks", "toy"}, category: "toys", price: 19800, stock: 10, favorites: 14},
	{id: "mm-bunny", maker: "xiaomuma", title: "Knitted bunny toy 针织小兔", desc: "A hand-knitted cotton bunny stuffed with wool.",
		materials: []string{"cotton", "wool"}, tags: []string{"bunny", "toy", "针织"}, category: "toys", price: 15800, stock: 4, favorites: 19},
	{id: "mm-kite", maker: "xiaomuma", title: "沙燕风筝", desc: "北京传统沙燕风筝，竹骨绢面。",
		materials: []string{"竹", "绢"}, tags: []string{"风筝"}, category: "toys", price: 26800, stock: 3, favorites: 8},

	// Food — 阿婆厨房
	{id: "ap-mooncake", maker: "apo", title: "手工月饼（莲蓉蛋黄）", desc: "广式月饼，自熬莲蓉，咸蛋黄，六只礼盒。",
		materials: []string{"莲蓉", "咸蛋黄", "面粉"}, tags: []string{"月饼", "中秋"}, category: "food", price: 16800, stock: 20, favorites: 36},
	{id: "ap-mooncake-en", maker: "apo", title: "Snow skin mooncakes 冰皮月饼", desc: "Mochi-like snow skin with a custard filling; keep refrigerated.",
		materials: []string{"glutinous rice", "custard"}, tags: []string{"mooncake", "月饼"}, category: "food", price: 13800, stock: 0, favorites: 15},
	{id: "ap-chili", maker: "apo", title: "Homemade chili crisp 辣椒油", desc: "Crispy chili in rapeseed oil, small batch.",
		materials: []string{"chili", "rapeseed oil"}, tags: []string{"condiment", "辣椒"}, category: "food", price: 5800, stock: 30, favorites: 26},
	{id: "ap-tea", maker: "apo", title: "手工炒制龙井茶", desc: "明前龙井，手工炒制，250克。",
		materials: []string{"绿茶"}, tags: []string{"茶叶", "龙井"}, category: "food", price: 32000, stock: 15, favorites: 17},
	{id: "ap-draft", maker: "apo", title: "桂花糕 试做", desc: "试做的桂花糕，还没定价。",
		materials: []string{"桂花", "糯米"}, tags: []string{"糕点"}, category: "food", price: 0, status: draft},

	// Home and other
	{id: "ot-candle", maker: "oakiron", title: "Beeswax candle pair", desc: "Two hand-dipped beeswax candles.",
		materials: []string{"beeswax"}, tags: []string{"candle"}, category: "home", price: 8800, stock: 10, favorites: 5},
	{id: "ot-soap", maker: "apo", title: "手工皂 Handmade soap", desc: "冷制手工皂，olive oil and lavender.",
		materials: []string{"olive oil"}, tags: []string{"soap", "手工皂"}, category: "other", price: 3800, stock: 40, favorites: 9},

	// Written in traditional characters — 竹藝工坊 and 台南鐵器所; 蓝染方巾 is
	// the same craft in simplified characters. (Their tags add one value,
	// 藍染: tags already hold 99 values and both engines facet 100.)
	{id: "tw-basket", maker: "zhuyi", title: "竹編提籃", desc: "台灣桂竹手工編織，可裝水果與麵包。",
		materials: []string{"桂竹"}, category: "home", price: 42000, stock: 3, favorites: 8},
	{id: "tw-runner", maker: "zhuyi", title: "藍染桌旗", desc: "手工藍染棉麻布，蓼藍發酵建藍。",
		materials: []string{"棉麻", "蓼藍"}, tags: []string{"藍染"}, category: "textiles", price: 26000, stock: 5, favorites: 6},
	{id: "tw-kettle", maker: "tainaniron", title: "鑄鐵壺", desc: "手工翻砂鑄造的鐵壺，煮水泡茶，容量一點二公升。",
		materials: []string{"鑄鐵"}, tags: []string{"茶具"}, category: "metalwork", price: 98000, stock: 2, favorites: 11},
	{id: "sx-indigo", maker: "suxiu", title: "蓝染方巾", desc: "手工蓝染的纯棉方巾，蓼蓝染色。",
		materials: []string{"棉", "蓼蓝"}, tags: []string{"手帕"}, category: "textiles", price: 6800, stock: 10, favorites: 3},
}

// epoch is when the corpus's first work was created; each later work is a
// day younger, so "newest" has no ties.
var epoch = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// corpusWorks builds the work.Work of every piece.
func corpusWorks() []*work.Work {
	out := make([]*work.Work, 0, len(corpus))
	for i, p := range corpus {
		created := epoch.Add(time.Duration(i) * 24 * time.Hour)
		w := &work.Work{
			ID: p.id, Maker: makers[p.maker], Title: p.title, Slug: work.Slugify(p.title),
			Description: p.desc, Price: work.Money{Amount: p.price, Currency: "CNY"},
			Stock: p.stock, MadeToOrder: p.madeToOrder, Materials: p.materials, Tags: p.tags,
			Category: p.category, Status: p.status, Counts: work.Counts{Favorites: p.favorites},
			CreatedAt: created, UpdatedAt: created.Add(time.Hour),
		}
		if w.Status == "" {
			w.Status = work.StatusPublished
		}
		if w.Status != draft {
			published := created.Add(2 * time.Hour)
			w.PublishedAt = &published
		}
		out = append(out, w)
	}
	return out
}

// corpusDocuments are the works' search documents, built as the app builds
// them: the description goes in as plain text from its Markdown.
func corpusDocuments() []search.Document {
	md := markdown.New()
	var docs []search.Document
	for _, w := range corpusWorks() {
		docs = append(docs, work.SearchDocumentOf(w, md.Text(w.Description)))
	}
	return docs
}

// published reports whether the corpus work id is published.
func published(id string) bool {
	for _, p := range corpus {
		if p.id == id {
			return p.status == ""
		}
	}
	return false
}
