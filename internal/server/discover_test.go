package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"guildhall/internal/testrig"
	"guildhall/internal/work"
)

func TestTheDiscoverPageServesTheLongTail(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	big := openStudio(t, rig, "bigstudio")
	for i := range 6 {
		createWork(t, big, merge(wallet("published"), "title", fmt.Sprintf("Big piece %d", i)))
	}
	small := openStudio(t, rig, "smallstudio")
	createWork(t, small, merge(wallet("published"), "title", "Small piece"))
	createWork(t, small, merge(wallet("draft"), "title", "Small draft"))
	// The big studio has many followers; the small one gains a few, now.
	for i := range 4 {
		f := rig.Client(t)
		f.SignUp(fmt.Sprintf("fan%d", i))
		f.Do("POST", "/api/v1/makers/smallstudio/follow", nil)
		if i < 3 {
			f.Do("POST", "/api/v1/makers/bigstudio/follow", nil)
		}
	}
	d, err := rig.App.Discovery.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string][]string{"trending": titles(d.Trending), "new": titles(d.New)} {
		bigCount := 0
		for _, title := range list {
			if strings.HasPrefix(title, "Big piece") {
				bigCount++
			}
			if title == "Small draft" {
				t.Errorf("%s shows a draft", name)
			}
		}
		if bigCount > 2 || !contains(list, "Small piece") {
			t.Errorf("%s: %v; want at most two of one maker and the small studio's work", name, list)
		}
	}
	if len(d.RisingMakers) != 2 || d.RisingMakers[0].Handle != "smallstudio" {
		t.Errorf("rising makers %+v; the small studio gaining followers should lead", d.RisingMakers)
	}
	steps.run(rig.Client(t), []scenario{
		{Name: "the discover API has every list", Method: "GET", Path: "/api/v1/discover", Status: 200,
			Expected: []string{`"trending":[`, `"new":[`, `"rising_makers":[`, `"featured_collections":[]`, `"active_threads":[]`}},
		{Name: "the home page shows them", Method: "GET", Path: "/", Status: 200,
			Expected: []string{`data-testid="trending"`, "Small piece", `data-testid="rising-makers"`}},
	})
	cmds, searches := pageCost(t, rig, "/", "")
	if len(cmds) != 1 || !cmds[0].ByID() || searches != 0 {
		t.Errorf("the home page sent %v and %d searches; want one read of the snapshot by _id", names(cmds), searches)
	}
}

func titles(cards []work.Card) []string {
	out := make([]string, 0, len(cards))
	for _, c := range cards {
		out = append(out, c.Title)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
