package seed

// Bilingual material the seeder combines into makers and works.
var (
	locations   = []string{"杭州 Hangzhou", "景德镇 Jingdezhen", "成都 Chengdu", "苏州 Suzhou", "大理 Dali", "Kyoto", "Lisbon", "Portland", "Oaxaca", "Edinburgh"}
	studioWords = []string{"青瓷", "木语", "Thread & Needle", "Ember", "山风", "Saltmarsh", "拾光", "Driftwood", "银匠铺", "Paper Moon"}
	crafts      = map[string][]string{
		"leather":   {"皮具", "leather"},
		"ceramics":  {"陶瓷", "pottery"},
		"jewelry":   {"银饰", "silversmith"},
		"textiles":  {"编织", "weaving"},
		"woodwork":  {"木作", "woodworking"},
		"paper":     {"纸艺", "paper craft"},
		"glass":     {"玻璃", "glassblowing"},
		"metalwork": {"金工", "metalwork"},
		"toys":      {"玩具", "toymaking"},
		"food":      {"点心", "baking"},
	}
	// things per category: Chinese title part, English title part, materials, tags
	things = map[string][][4]string{
		"leather":   {{"手工牛皮钱包", "Leather wallet", "牛皮,leather", "钱包,wallet"}, {"植鞣皮带", "Vegetable-tanned belt", "牛皮,leather,brass", "皮带,belt"}, {"卡包", "Card holder", "leather", "wallet,card"}},
		"ceramics":  {{"青瓷茶杯", "Celadon tea cup", "瓷,porcelain", "茶具,tea"}, {"柴烧茶壶", "Wood-fired teapot", "陶,clay", "茶壶,teapot"}, {"粗陶花瓶", "Stoneware vase", "clay,stoneware", "花瓶,vase"}},
		"jewelry":   {{"纯银戒指", "Silver ring", "银,silver", "戒指,ring"}, {"和田玉吊坠", "Jade pendant", "玉,jade,silver", "吊坠,pendant"}, {"珍珠耳环", "Pearl earrings", "珍珠,pearl", "耳环,earrings"}},
		"textiles":  {{"手织围巾", "Hand-woven scarf", "羊毛,wool", "围巾,scarf"}, {"蜡染桌布", "Batik tablecloth", "棉,cotton,indigo", "蜡染,batik"}, {"刺绣香囊", "Embroidered sachet", "丝,silk", "刺绣,embroidery"}},
		"woodwork":  {{"胡桃木勺", "Walnut spoon", "胡桃木,walnut", "勺子,spoon"}, {"樱桃木砧板", "Cherry cutting board", "cherry,wood", "砧板,kitchen"}, {"木质书立", "Wooden bookends", "oak,wood", "书立,books"}},
		"paper":     {{"手工纸灯笼", "Paper lantern", "宣纸,paper,bamboo", "灯笼,lantern"}, {"活版印刷贺卡", "Letterpress card", "paper", "贺卡,card"}},
		"glass":     {{"吹制玻璃花瓶", "Blown glass vase", "玻璃,glass", "花瓶,vase"}, {"琉璃杯", "Glass tumbler", "glass", "杯子,cup"}},
		"metalwork": {{"锻铜茶则", "Forged copper scoop", "铜,copper", "茶具,tea"}, {"铁艺烛台", "Iron candle holder", "iron", "烛台,candle"}},
		"toys":      {{"木制小火车", "Wooden toy train", "beech,wood", "玩具,toy"}, {"布艺玩偶", "Rag doll", "cotton,linen", "玩偶,doll"}},
		"food":      {{"手工月饼", "Handmade mooncakes", "莲蓉,lotus seed", "月饼,mooncake"}, {"桂花糕", "Osmanthus cake", "桂花,osmanthus", "点心,snack"}},
	}
	colours = [][3]uint8{{181, 84, 43}, {46, 110, 142}, {120, 160, 90}, {200, 170, 80}, {140, 70, 120}, {60, 60, 60}, {220, 120, 100}, {90, 130, 200}}
)
