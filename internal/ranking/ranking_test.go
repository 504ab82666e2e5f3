package ranking

import (
	"sort"
	"testing"
	"time"
)

type item struct {
	name    string
	signals Signals
	created time.Time
}

func order(items []item) []string {
	sort.SliceStable(items, func(i, j int) bool {
		return Hot(items[i].signals, items[i].created) > Hot(items[j].signals, items[j].created)
	})
	var out []string
	for _, it := range items {
		out = append(out, it.name)
	}
	return out
}

func TestTheOrderChangesAsSignalsArriveAndAsTimePasses(t *testing.T) {
	day := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	older := item{"older", Signals{}, day}
	newer := item{"newer", Signals{}, day.Add(time.Hour)}
	if got := order([]item{older, newer}); got[0] != "newer" {
		t.Fatalf("with no signals the newer work leads: %v", got)
	}
	older.signals.Favourites = 5
	if got := order([]item{older, newer}); got[0] != "older" {
		t.Fatalf("five favourites outweigh an hour: %v", got)
	}
	newer.signals.Purchases = 1 // a purchase counts as five favourites
	if got := order([]item{older, newer}); got[0] != "newer" {
		t.Fatalf("an equal weight of signals and a newer date: %v", got)
	}
	fresh := item{"next day", Signals{}, day.Add(26 * time.Hour)}
	if got := order([]item{older, newer, fresh}); got[0] != "next day" {
		t.Fatalf("a day later, a work with no signals passes works with a handful: %v", got)
	}
	older.signals.Favourites, older.signals.Featured = 100, 3 // 130 in all: past the day's head start
	if got := order([]item{older, newer, fresh}); got[0] != "older" {
		t.Fatalf("loved and featured, the older work leads again: %v", got)
	}
}

func TestAReviewCountsByItsStars(t *testing.T) {
	five := Signals{Reviews: 1, RatingSum: 5}
	one := Signals{Reviews: 1, RatingSum: 1}
	if five.Weighted() != WeightReview || one.Weighted() >= five.Weighted() {
		t.Fatalf("five stars %v, one star %v", five.Weighted(), one.Weighted())
	}
}

func TestNoSignalsIsNotNegative(t *testing.T) {
	created := time.Unix(45000*100, 0)
	if got := Hot(Signals{}, created); got != 100 {
		t.Fatalf("got %v, want the age term alone", got)
	}
}

func TestASmallStudioGainingFollowersFastRisesAboveABigOne(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var small, big float64
	for i := range 5 { // five follows in the last day
		small += FollowHeat(now.Add(-time.Duration(i) * time.Hour))
	}
	for i := range 5 { // the big studio gained as many, and has 2,000 followers
		big += FollowHeat(now.Add(-time.Duration(i) * time.Hour))
	}
	if Rising(small, 5) <= Rising(big, 2000) {
		t.Fatalf("small %v, big %v", Rising(small, 5), Rising(big, 2000))
	}
	stale := FollowHeat(now.Add(-30*24*time.Hour)) * 50 // fifty follows a month ago
	if Rising(small, 5) <= Rising(stale, 50) {
		t.Fatal("recent follows should outrank old ones")
	}
	if Rising(0, 0) != 0 {
		t.Fatal("no follows, no score")
	}
}
