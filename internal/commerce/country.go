package commerce

import "strings"

// countries are the ISO 3166-1 alpha-2 codes (249).
const countries = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country code
// (upper case).
func ValidCountry(code string) bool {
	return len(code) == 2 && strings.Contains(" "+countries+" ", " "+code+" ")
}

// Postal codes whose shape we know; an address that matches is marked
// validated. Elsewhere the code is taken as written.
var postalShapes = map[string]func(string) bool{
	"CN": digits(6), "US": func(s string) bool {
		return digits(5)(s) || (len(s) == 10 && s[5] == '-' && digits(5)(s[:5]) && digits(4)(s[6:]))
	},
	"JP": func(s string) bool { return len(s) == 8 && s[3] == '-' && digits(3)(s[:3]) && digits(4)(s[4:]) },
	"DE": digits(5), "FR": digits(5), "IT": digits(5), "ES": digits(5), "TW": func(s string) bool { return digits(3)(s) || digits(5)(s) || digits(6)(s) },
	"HK": func(s string) bool { return s == "" }, "SG": digits(6), "KR": digits(5), "AU": digits(4),
}

func digits(n int) func(string) bool {
	return func(s string) bool {
		if len(s) != n {
			return false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
}
